import type { ProfilesListParams, SetTopicPreferenceDto, TopicPreferenceDto } from '@itinera/sdk';

/** How the profile search reads what was typed. */
export type SearchMode = 'prefix' | 'email' | 'trait';

export interface ProfileSearch {
  mode: SearchMode;
  text: string;
  /** For a trait search: the trait's name; `text` is its value. */
  trait: string;
}

/** A typed value: `true`, `42`, `null` stay JSON; anything else is a string. */
export function typedValue(text: string): unknown {
  const trimmed = text.trim();
  if (/^(true|false|null|-?\d+(\.\d+)?)$/.test(trimmed)) return JSON.parse(trimmed);
  if (/^[[{"]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

/** A trait value as it is typed back: strings as they are, anything else as JSON. */
export function editableValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The list query of a search, or null while it is incomplete (a trait search with no trait name). */
export function searchParams(search: ProfileSearch): Omit<ProfilesListParams, 'cursor' | 'limit'> | null {
  const text = search.text.trim();
  if (search.mode === 'trait') {
    const trait = search.trait.trim();
    if (!trait) return text ? null : {};
    return { traits: JSON.stringify({ [trait]: typedValue(text) }) };
  }
  if (!text) return {};
  return search.mode === 'email' ? { email: text } : { q: text };
}

export type TraitRow = { key: string; value: string };

/**
 * The PATCH body that turns the stored traits into the edited rows: changed and new traits set,
 * removed ones null (PATCH merges; null removes). Null when nothing changed.
 */
export function traitsPatch(stored: Record<string, unknown>, rows: TraitRow[]): Record<string, unknown> | null {
  const next: Record<string, unknown> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key) next[key] = typedValue(row.value);
  }
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) if (JSON.stringify(stored[key]) !== JSON.stringify(value)) patch[key] = value;
  for (const key of Object.keys(stored)) if (!(key in next)) patch[key] = null;
  return Object.keys(patch).length > 0 ? patch : null;
}

/** Problems of the edited rows: empty or repeated names. */
export function traitRowsProblem(rows: TraitRow[]): string | null {
  const keys = rows.map((r) => r.key.trim());
  if (keys.some((k) => !k)) return 'Every trait needs a name.';
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  return repeated ? `“${repeated}” is there twice.` : null;
}

export type ChannelChoice = 'default' | 'opted_in' | 'opted_out';

/** The profile's own choice for one channel of a topic ('default': it follows the topic-wide choice or the topic's default). */
export function channelChoice(topic: TopicPreferenceDto, channel: string): ChannelChoice {
  return topic.channels[channel] ?? 'default';
}

/** The PUT body that sets one channel's choice of a topic and keeps the others. */
export function withChannelChoice(topic: TopicPreferenceDto, channel: string, choice: ChannelChoice): SetTopicPreferenceDto {
  const channels: Record<string, 'opted_in' | 'opted_out'> = { ...topic.channels };
  if (choice === 'default') delete channels[channel];
  else channels[channel] = choice;
  return { ...(topic.status ? { status: topic.status } : {}), channels };
}

/** The PUT body that sets the topic-wide choice and keeps the per-channel ones. */
export function withTopicChoice(topic: TopicPreferenceDto, choice: ChannelChoice): SetTopicPreferenceDto {
  return { ...(choice === 'default' ? {} : { status: choice }), channels: { ...topic.channels } };
}
