import type { JourneySummaryDto } from '@itinera/sdk';

export type VariableGroup = 'Profile' | 'Account' | 'Event' | 'Data' | 'Run' | 'Links';

export interface TemplateVariable {
  /** What goes between `{{ }}`: `profile.traits.first_name`. */
  path: string;
  group: VariableGroup;
  /** Where it was seen: the sample, or the journey step that produces it. */
  hint?: string;
}

const PROFILE_FIELDS = ['profile.userId', 'profile.email', 'profile.phone', 'profile.timezone', 'profile.locale'];
const RUN_FIELDS = ['run.id', 'run.journeyId', 'run.version'];
const LINKS = ['unsubscribeUrl', 'preferencesUrl'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Dotted paths of an object's keys, nested objects to `depth` levels. */
export function pathsOf(value: unknown, prefix: string, depth = 2): string[] {
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = `${prefix}.${key}`;
    return depth > 1 && isObject(inner) && Object.keys(inner).length > 0 ? [path, ...pathsOf(inner, path, depth - 1)] : [path];
  });
}

interface JourneyNodeLike {
  id: string;
  type: string;
  name?: string;
  config?: Record<string, unknown>;
}

/** The journeys with a send step that uses the template, and those steps. */
export function journeysUsing(journeys: JourneySummaryDto[], templateKey: string): Array<{ journey: JourneySummaryDto; steps: string[] }> {
  return journeys
    .map((journey) => ({
      journey,
      steps: (journey.draft.nodes as JourneyNodeLike[])
        .filter((node) => node.type === 'send' && node.config?.template === templateKey)
        .map((node) => node.name || node.id),
    }))
    .filter((usage) => usage.steps.length > 0);
}

/** Template key → names of the journeys whose draft sends it. */
export function templateUsage(journeys: JourneySummaryDto[]): Map<string, JourneySummaryDto[]> {
  const usage = new Map<string, JourneySummaryDto[]>();
  for (const journey of journeys) {
    const keys = new Set(
      (journey.draft.nodes as JourneyNodeLike[])
        .filter((node) => node.type === 'send' && typeof node.config?.template === 'string')
        .map((node) => node.config!.template as string),
    );
    for (const key of keys) usage.set(key, [...(usage.get(key) ?? []), journey]);
  }
  return usage;
}

/** What a fetch or ai step leaves in `data.<id>`. */
function outputPaths(node: JourneyNodeLike): string[] {
  const base = `data.${node.id}`;
  if (node.type === 'fetch') return [`${base}.status`, `${base}.body`];
  if (node.type !== 'ai') return [];
  const config = node.config as { task?: string; schema?: { properties?: Record<string, unknown> } } | undefined;
  if (config?.task === 'classify') return [`${base}.label`];
  if (config?.task === 'score') return [`${base}.score`];
  if (config?.task === 'extract' && config.schema?.properties) return Object.keys(config.schema.properties).map((key) => `${base}.${key}`);
  return [`${base}.text`];
}

/** The trigger events of the journeys that send the template: what `event` holds when it is sent. */
export function triggerEvents(journeys: JourneySummaryDto[], templateKey: string): string[] {
  const events = new Set<string>();
  for (const { journey } of journeysUsing(journeys, templateKey)) {
    for (const node of journey.draft.nodes as JourneyNodeLike[]) {
      const event = node.type === 'trigger' ? node.config?.event : undefined;
      if (typeof event === 'string' && event) events.add(event);
    }
  }
  return [...events];
}

export interface VariableSources {
  templateKey: string;
  profile?: { traits?: Record<string, unknown>; account?: { traits?: Record<string, unknown> } | null } | null;
  event?: Record<string, unknown> | null;
  data?: Record<string, unknown> | null;
  journeys?: JourneySummaryDto[];
}

/**
 * The variables a template can use, from what is known: the sample profile's traits and
 * account, the sample event's properties, the sample data, and the `data.<step>` outputs of the
 * fetch and ai steps of the journeys that send this template. Each path once, grouped.
 */
export function templateVariables(sources: VariableSources): TemplateVariable[] {
  const seen = new Set<string>();
  const variables: TemplateVariable[] = [];
  const add = (group: VariableGroup, paths: string[], hint?: string) => {
    for (const path of paths) {
      if (seen.has(path)) continue;
      seen.add(path);
      variables.push({ path, group, hint });
    }
  };
  add('Profile', PROFILE_FIELDS);
  add('Profile', pathsOf(sources.profile?.traits, 'profile.traits'), 'sample profile');
  add('Account', ['profile.account.groupId']);
  add('Account', pathsOf(sources.profile?.account?.traits, 'profile.account.traits'), 'sample profile');
  add('Event', ['event.event', 'event.timestamp']);
  add('Event', pathsOf(sources.event?.properties, 'event.properties'), 'sample event');
  add('Data', pathsOf(sources.data, 'data'), 'sample data');
  for (const { journey } of journeysUsing(sources.journeys ?? [], sources.templateKey)) {
    for (const node of journey.draft.nodes as JourneyNodeLike[])
      add('Data', outputPaths(node), `${journey.name} · ${node.name || node.id}`);
  }
  add('Run', RUN_FIELDS);
  add('Links', LINKS);
  return variables;
}
