import { KNOWN_CHANNELS } from '@itinera/plugin-sdk';

export const DEFAULT_PREFERENCES = ['opted_in', 'opted_out', 'required'] as const;
export type DefaultPreference = (typeof DEFAULT_PREFERENCES)[number];
export const PREFERENCE_STATUSES = ['opted_in', 'opted_out'] as const;
export type PreferenceStatus = (typeof PREFERENCE_STATUSES)[number];
export const PREFERENCE_SOURCES = ['api', 'preference_page', 'unsubscribe_link', 'one_click', 'inbox'] as const;
export type PreferenceSource = (typeof PREFERENCE_SOURCES)[number];

/** `topicKey` ALL: the whole channel (every non-required topic); `channel` ALL: the topic on every channel. */
export const ALL = '*';
export const TOPIC_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const CHANNEL_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Channels a preference matrix always reports on; plugins may add others. */
export const PREFERENCE_CHANNELS: readonly string[] = KNOWN_CHANNELS;

/** What the send pipeline needs to know about a topic. */
export interface TopicInfo {
  key: string;
  name: string;
  defaultPreference: DefaultPreference;
  bypassQuietHours: boolean;
  exemptFromCaps: boolean;
}

/**
 * A SQL expression: the stored choices of the profile whose id is `profileId` (a column or
 * parameter), as a JSON array of `PreferenceChoice`s — for statements that read a profile for a send.
 */
export const profileChoicesSql = (profileId: string) =>
  `COALESCE((SELECT json_agg(json_build_object('topicKey', pr.topic_key, 'channel', pr.channel, 'status', pr.status))
               FROM preferences pr WHERE pr.profile_id = ${profileId}), '[]')`;

/** One stored choice of a profile. */
export interface PreferenceChoice {
  topicKey: string;
  channel: string;
  status: PreferenceStatus;
}

export interface PreferenceDecision {
  allowed: boolean;
  reason: string;
}

/**
 * Whether a profile may get a message of `topic` on `channel`, given its stored choices:
 * 1. a required topic is always allowed (opt-outs are ignored);
 * 2. an opt-out of the whole channel (topic `*`) blocks every other message on it, with or without a topic;
 * 3. a message without a topic is allowed;
 * 4. a choice for the topic on this channel, else for the topic on every channel, else the topic's default.
 */
export function decidePreference(
  topic: Pick<TopicInfo, 'key' | 'defaultPreference'> | null,
  choices: PreferenceChoice[],
  channel: string,
): PreferenceDecision {
  if (topic?.defaultPreference === 'required') return { allowed: true, reason: `topic "${topic.key}" is required` };
  const find = (topicKey: string, on: string) => choices.find((c) => c.topicKey === topicKey && c.channel === on);
  const wholeChannel = find(ALL, channel) ?? find(ALL, ALL);
  if (wholeChannel?.status === 'opted_out') {
    return {
      allowed: false,
      reason: wholeChannel.channel === ALL ? 'profile unsubscribed from all messages' : `profile unsubscribed from all ${channel} messages`,
    };
  }
  if (!topic) return { allowed: true, reason: 'no topic' };
  const onChannel = find(topic.key, channel);
  if (onChannel) return verdict(onChannel.status, `profile ${words(onChannel.status)} topic "${topic.key}" on ${channel}`);
  const onTopic = find(topic.key, ALL);
  if (onTopic) return verdict(onTopic.status, `profile ${words(onTopic.status)} topic "${topic.key}"`);
  return verdict(topic.defaultPreference, `topic "${topic.key}" is ${topic.defaultPreference.replace('_', ' ')} by default`);
}

/** The status a check box on the preference page shows: the topic rules without whole-channel opt-outs. */
export function topicStatus(
  topic: Pick<TopicInfo, 'key' | 'defaultPreference'>,
  choices: PreferenceChoice[],
  channel: string,
): PreferenceStatus {
  return decidePreference(
    topic,
    choices.filter((c) => c.topicKey !== ALL),
    channel,
  ).allowed
    ? 'opted_in'
    : 'opted_out';
}

function verdict(status: PreferenceStatus, reason: string): PreferenceDecision {
  return { allowed: status === 'opted_in', reason };
}

function words(status: PreferenceStatus): string {
  return status === 'opted_in' ? 'opted in to' : 'opted out of';
}
