import type { AuditEntryDto } from '@itinera/sdk';

/** The resources of the management API, as a person names them. */
export const RESOURCE_NOUNS: Record<string, string> = {
  journeys: 'journey',
  templates: 'template',
  profiles: 'profile',
  channels: 'provider',
  'api-keys': 'API key',
  members: 'member',
  topics: 'topic',
  settings: 'delivery settings',
  workspace: 'workspace',
  backtests: 'back-test',
  runs: 'run',
};

const VERBS: Record<string, string> = {
  create: 'Created',
  update: 'Changed',
  replace: 'Replaced',
  delete: 'Deleted',
  publish: 'Published',
  pause: 'Paused',
  resume: 'Resumed',
  archive: 'Archived',
  duplicate: 'Duplicated',
  cancel: 'Cancelled',
  import: 'Imported',
  invoke: 'Started a run of',
  backtest: 'Started a back-test of',
  'test-send': 'Test-sent',
  'preferences.replace': 'Set the preferences of',
  'contact-points.delete': 'Removed a contact point of',
  'locales.create': 'Added a locale to',
  'locales.delete': 'Removed a locale of',
};

/** "Published journey", "Deleted API key", "Set the preferences of profile": what an entry asked, in words. */
export function describeAction(entry: Pick<AuditEntryDto, 'resource' | 'action' | 'method'>): string {
  const noun = RESOURCE_NOUNS[entry.resource] ?? entry.resource;
  if (entry.resource === 'api-keys' && entry.action === 'delete') return 'Revoked API key';
  if (entry.resource === 'profiles' && entry.action === 'delete') return 'Erased profile';
  if (entry.resource === 'members' && entry.action === 'create') return 'Added member';
  if (entry.resource === 'members' && entry.action === 'delete') return 'Removed member';
  const verb = VERBS[entry.action];
  if (verb) return `${verb} ${noun}`;
  const words = entry.action.replace(/[.-]/g, ' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} · ${noun}`;
}

/** Where the target of an entry can be opened in the admin, when it can. */
export function targetLink(entry: Pick<AuditEntryDto, 'resource' | 'targetId' | 'action'>): string | null {
  if (!entry.targetId || entry.action === 'delete') return null;
  const id = encodeURIComponent(entry.targetId);
  if (entry.resource === 'journeys') return `/journeys/${id}`;
  if (entry.resource === 'templates') return `/templates/${id}`;
  if (entry.resource === 'profiles') return `/profiles/${id}`;
  if (entry.resource === 'backtests') return null;
  return null;
}
