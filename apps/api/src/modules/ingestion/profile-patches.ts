import { type ContactPointInput, extractProfileFacts } from '../profiles/profile-facts.js';
import type { StreamAppend } from '../stream/event-stream.service.js';
import type { JsonObject, NormalizedEvent } from './segment-event.js';

/** An event and the profile it belongs to. */
export interface PlacedEvent {
  event: NormalizedEvent;
  profileId: string;
}

/**
 * What a batch's stored events change, as the JSON rows the ingestion statements read
 * (`ingestion-statements.ts`): one row per profile, per account and per contact point, and the
 * profile changes to publish on the stream.
 */
export interface BatchPatches {
  profiles: ProfilePatchRow[];
  accounts: Array<{ group_id: string; traits: JsonObject }>;
  contactPoints: Array<{ profile_id: string; channel: string; value: string; metadata: JsonObject }>;
  changes: StreamAppend[];
}

export interface ProfilePatchRow {
  id: string;
  traits: JsonObject;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  locale: string | null;
  /** From events' context: used only when the profile has none yet. */
  ctz: string | null;
  cloc: string | null;
  /** The account (group) the profile joined. */
  grp: string | null;
  /** The latest event time, in epoch milliseconds (see `eventRow`). */
  seen: number | null;
  /** Whether the profile changes beyond its last-seen time and context zone/locale. */
  changes: boolean;
}

interface Patch {
  traits: JsonObject;
  email?: string;
  phone?: string;
  timezone?: string;
  locale?: string;
  contextTimezone?: string;
  contextLocale?: string;
  accountGroupId?: string;
  lastSeenAt?: Date;
  contactPoints: ContactPointInput[];
}

/**
 * Folds stored events, in order, into what they say about their profiles: traits (identify, later
 * values win), e-mail, phone, timezone and locale, contact points from traits and context,
 * accounts (group) and last-seen times. Profiles come out in id order, the order the profile
 * statement locks them in.
 */
export function collectPatches(workspaceId: string, events: PlacedEvent[]): BatchPatches {
  const patches = new Map<string, Patch>();
  const accountTraits = new Map<string, JsonObject>();
  for (const { event, profileId } of events) {
    let patch = patches.get(profileId);
    if (!patch) patches.set(profileId, (patch = { traits: {}, contactPoints: [] }));
    if (!patch.lastSeenAt || event.timestamp > patch.lastSeenAt) patch.lastSeenAt = event.timestamp;
    const context = extractProfileFacts({}, event.context);
    patch.contextTimezone = context.timezone ?? patch.contextTimezone;
    patch.contextLocale = context.locale ?? patch.contextLocale;
    patch.contactPoints.push(...context.contactPoints);
    if (event.type === 'identify') {
      Object.assign(patch.traits, event.traits);
      const facts = extractProfileFacts(event.traits);
      patch.email = facts.email ?? patch.email;
      patch.phone = facts.phone ?? patch.phone;
      patch.timezone = facts.timezone ?? patch.timezone;
      patch.locale = facts.locale ?? patch.locale;
      patch.contactPoints.push(...facts.contactPoints);
    }
    if (event.type === 'group') {
      patch.accountGroupId = event.groupId!;
      accountTraits.set(event.groupId!, { ...accountTraits.get(event.groupId!), ...event.traits });
    }
  }

  const ids = [...patches.keys()].sort();
  const profiles = ids.map((id): ProfilePatchRow => {
    const p = patches.get(id)!;
    const traitsChange = Object.keys(p.traits).length > 0;
    return {
      id,
      traits: p.traits,
      email: p.email ?? null,
      phone: p.phone ?? null,
      timezone: p.timezone ?? null,
      locale: p.locale ?? null,
      ctz: p.contextTimezone ?? null,
      cloc: p.contextLocale ?? null,
      grp: p.accountGroupId ?? null,
      seen: p.lastSeenAt?.getTime() ?? null,
      changes: Boolean(traitsChange || p.email || p.phone || p.timezone || p.locale || p.accountGroupId),
    };
  });
  return {
    profiles,
    accounts: [...accountTraits.keys()].sort().map((groupId) => ({ group_id: groupId, traits: accountTraits.get(groupId)! })),
    contactPoints: ids.flatMap((id) =>
      patches.get(id)!.contactPoints.map((cp) => ({ profile_id: id, channel: cp.channel, value: cp.value, metadata: cp.metadata ?? {} })),
    ),
    changes: profiles
      .filter((p) => Object.keys(p.traits).length > 0 || p.grp)
      .map((p) => ({
        workspaceId,
        profileId: p.id,
        kind: 'profile_updated' as const,
        payload: { traits: Object.keys(p.traits), accountGroupId: p.grp },
      })),
  };
}
