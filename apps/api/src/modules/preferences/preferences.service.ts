import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { NotFoundError, ValidationError } from '../../infra/http/errors.js';
import { ChannelsService } from '../plugins/channels.service.js';
import type { ProfilePreferencesDto, TopicPreferenceDto } from './dto/preferences.dto.js';
import type { TopicDto } from './dto/topic.dto.js';
import { PreferenceLinks, type UnsubscribeLinks } from './preference-links.js';
import {
  ALL,
  CHANNEL_NAME,
  decidePreference,
  PREFERENCE_CHANNELS,
  type PreferenceChoice,
  type PreferenceSource,
  type PreferenceStatus,
  type TopicInfo,
  topicStatus,
} from './preference-rules.js';
import { TopicsService } from './topics.service.js';
import { contactChannelsOf } from '../profiles/contact-points.js';
import { ProfileViews } from '../profiles/profile-view.js';

interface ChoiceRow {
  topic_key: string;
  channel: string;
  status: PreferenceStatus;
  updated_at: Date;
}

type Choice = PreferenceChoice & { updatedAt: Date };

export interface TopicChoice {
  status?: PreferenceStatus;
  channels?: Record<string, PreferenceStatus>;
}

/** One check box of the hosted preference page, as submitted. */
export interface PageChoices {
  topics: Array<{ topicKey: string; channel: string; on: boolean }>;
  channels: Array<{ channel: string; on: boolean }>;
}

/** Who a signed link is for, as the hosted pages show it. */
export interface Recipient {
  workspaceName: string;
  userId: string | null;
  email: string | null;
}

/** Channels the hosted page never offers: they do not reach a person. */
const NOT_PERSONAL = new Set(['webhook']);

/**
 * Topics and per-profile preferences: the decision the send pipeline calls before every
 * message (`decide`), the management API, the signed links e-mails carry, and what the hosted
 * preference and unsubscribe pages change. Every query is scoped to the workspace.
 */
@Injectable()
export class PreferencesService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(TopicsService) private readonly topics: TopicsService,
    @Inject(PreferenceLinks) private readonly links: PreferenceLinks,
    @Inject(ChannelsService) private readonly channels: ChannelsService,
    @Inject(ProfileViews) private readonly profiles: ProfileViews,
  ) {}

  topic(workspaceId: string, key: string): Promise<TopicInfo | null> {
    return this.topics.info(workspaceId, key);
  }

  /**
   * May this profile get a message of this topic (null: none) on this channel? Required topics
   * ignore opt-outs; otherwise a whole-channel opt-out, then the profile's choice for the topic on
   * the channel, then for the whole topic, then the topic's default decide. An unknown topic key
   * is a NotFoundError.
   */
  async decide(
    workspaceId: string,
    profileId: string,
    topicKey: string | null,
    channel: string,
    /** The profile's stored choices when already read (`ProfileViews.load` with `preferenceChoices`). */
    known?: PreferenceChoice[],
  ): Promise<{ allowed: boolean; reason?: string; topic: TopicInfo | null }> {
    if (!CHANNEL_NAME.test(channel)) throw new ValidationError(`"${channel}" is not a channel name`);
    const topic = topicKey === null ? null : await this.topic(workspaceId, topicKey);
    if (topicKey !== null && !topic) throw new NotFoundError(`No topic "${topicKey}" in this workspace`);
    if (topic?.defaultPreference === 'required') return { ...decidePreference(topic, [], channel), topic };
    if (known) return { ...decidePreference(topic, known, channel), topic };
    const rows: ChoiceRow[] = await this.dataSource.query(
      `SELECT topic_key, channel, status, updated_at FROM preferences
        WHERE workspace_id = $1 AND profile_id = $2 AND topic_key = ANY($3::text[]) AND channel = ANY($4::text[])`,
      [workspaceId, profileId, topicKey === null ? [ALL] : [topicKey, ALL], [channel, ALL]],
    );
    return { ...decidePreference(topic, rows.map(toChoice), channel), topic };
  }

  /** Signed links (and List-Unsubscribe headers) for a message to this profile; they work without login and do not expire. */
  unsubscribeLinks(workspaceId: string, profileId: string, topicKey: string | null, messageId?: string): UnsubscribeLinks {
    return this.links.links({ workspaceId, profileId, topicKey, ...(messageId ? { messageId } : {}) });
  }

  /** Every topic with its default, the profile's choices and what applies on each channel. */
  async forProfile(workspaceId: string, profileId: string): Promise<Omit<ProfilePreferencesDto, 'userId'>> {
    const [topics, choices] = await Promise.all([
      this.topics.list(workspaceId),
      this.choices(this.dataSource.manager, workspaceId, profileId),
    ]);
    return {
      unsubscribedChannels: choices.filter((c) => c.topicKey === ALL && c.status === 'opted_out').map((c) => c.channel),
      topics: topics.map((topic) => matrixRow(topic, choices)),
    };
  }

  async forUser(workspaceId: string, userId: string): Promise<ProfilePreferencesDto> {
    const profileId = await this.profileId(workspaceId, userId);
    return { userId, ...(await this.forProfile(workspaceId, profileId)) };
  }

  /** Replaces the profile's choices for one topic: `status` for the whole topic, `channels` per channel; what is left out is cleared. */
  async setTopic(
    workspaceId: string,
    userId: string,
    topicKey: string,
    choice: TopicChoice,
    source: PreferenceSource = 'api',
  ): Promise<TopicPreferenceDto> {
    const profileId = await this.profileId(workspaceId, userId);
    const topic = await this.topics.get(workspaceId, topicKey);
    const rows: PreferenceChoice[] = Object.entries(choice.channels ?? {}).map(([channel, status]) => ({ topicKey, channel, status }));
    if (choice.status) rows.push({ topicKey, channel: ALL, status: choice.status });
    const choices = await this.dataSource.transaction(async (m) => {
      await m.query('DELETE FROM preferences WHERE profile_id = $1 AND topic_key = $2 AND NOT (channel = ANY($3::text[]))', [
        profileId,
        topicKey,
        rows.map((r) => r.channel),
      ]);
      await this.upsert(m, workspaceId, profileId, rows, source);
      return this.choices(m, workspaceId, profileId);
    });
    return matrixRow(topic, choices);
  }

  /** Replaces the channels on which the profile gets nothing but required topics. */
  async setUnsubscribedChannels(
    workspaceId: string,
    userId: string,
    channels: string[],
    source: PreferenceSource = 'api',
  ): Promise<ProfilePreferencesDto> {
    const profileId = await this.profileId(workspaceId, userId);
    await this.dataSource.transaction(async (m) => {
      await m.query('DELETE FROM preferences WHERE profile_id = $1 AND topic_key = $2 AND NOT (channel = ANY($3::text[]))', [
        profileId,
        ALL,
        channels,
      ]);
      await this.upsert(
        m,
        workspaceId,
        profileId,
        channels.map((channel) => ({ topicKey: ALL, channel, status: 'opted_out' as const })),
        source,
      );
    });
    return { userId, ...(await this.forProfile(workspaceId, profileId)) };
  }

  /**
   * An unsubscribe link or one-click POST: opts the profile out of the topic on every channel
   * (dropping per-channel opt-ins that would keep it), or, without a topic, out of all e-mail
   * except required topics.
   */
  async unsubscribe(
    workspaceId: string,
    profileId: string,
    topicKey: string | null,
    source: PreferenceSource,
    messageId?: string,
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      if (topicKey === null) {
        await this.upsert(m, workspaceId, profileId, [{ topicKey: ALL, channel: 'email', status: 'opted_out' }], source, messageId);
        return;
      }
      await this.upsert(m, workspaceId, profileId, [{ topicKey, channel: ALL, status: 'opted_out' }], source, messageId);
      await m.query(`DELETE FROM preferences WHERE profile_id = $1 AND topic_key = $2 AND channel <> $3 AND status = 'opted_in'`, [
        profileId,
        topicKey,
        ALL,
      ]);
    });
  }

  /** Saves the hosted page's check boxes: only what differs from what applies is written. Required topics are left alone. */
  async applyPageChoices(workspaceId: string, profileId: string, page: PageChoices): Promise<void> {
    const topics = new Map((await this.topics.list(workspaceId)).map((topic) => [topic.key, topic]));
    await this.dataSource.transaction(async (m) => {
      const choices = await this.choices(m, workspaceId, profileId);
      const writes: PreferenceChoice[] = [];
      for (const box of page.topics) {
        const topic = topics.get(box.topicKey);
        if (!topic || topic.defaultPreference === 'required') continue;
        const wanted: PreferenceStatus = box.on ? 'opted_in' : 'opted_out';
        if (topicStatus(topic, choices, box.channel) !== wanted) writes.push({ topicKey: topic.key, channel: box.channel, status: wanted });
      }
      for (const { channel, on } of page.channels) {
        const off = choices.some((c) => c.topicKey === ALL && c.channel === channel);
        if (!on && !off) writes.push({ topicKey: ALL, channel, status: 'opted_out' });
      }
      const resubscribed = page.channels.filter((c) => c.on).map((c) => c.channel);
      if (resubscribed.length > 0) {
        await m.query('DELETE FROM preferences WHERE profile_id = $1 AND topic_key = $2 AND channel = ANY($3::text[])', [
          profileId,
          ALL,
          resubscribed,
        ]);
      }
      await this.upsert(m, workspaceId, profileId, writes, 'preference_page');
    });
  }

  /** The profile a link points to, or null when it was deleted since. */
  async recipient(workspaceId: string, profileId: string): Promise<Recipient | null> {
    const rows: Array<{ workspace_name: string; user_id: string | null; email: string | null }> = await this.dataSource.query(
      `SELECT w.name AS workspace_name, p.user_id, p.email FROM profiles p JOIN workspaces w ON w.id = p.workspace_id
        WHERE p.workspace_id = $1 AND p.id = $2`,
      [workspaceId, profileId],
    );
    return rows.length > 0 ? { workspaceName: rows[0].workspace_name, userId: rows[0].user_id, email: rows[0].email } : null;
  }

  /**
   * Channels the hosted page offers a profile: those it has a contact point on, those the
   * workspace has a provider for, and those it already made a choice on (e-mail when none).
   */
  async pageChannels(workspaceId: string, profileId: string): Promise<string[]> {
    const [contacts, providers, choices] = await Promise.all([
      contactChannelsOf(this.dataSource, workspaceId, profileId),
      this.channels.list(workspaceId, { kind: 'channel' }),
      this.choices(this.dataSource.manager, workspaceId, profileId),
    ]);
    const found = new Set<string>([
      ...contacts,
      ...providers.filter((p) => p.enabled && p.channel).map((p) => p.channel!),
      ...choices.map((c) => c.channel).filter((channel) => channel !== ALL),
    ]);
    const channels = [...found].filter((channel) => !NOT_PERSONAL.has(channel)).sort(byChannelOrder);
    return channels.length > 0 ? channels : ['email'];
  }

  private async profileId(workspaceId: string, userId: string): Promise<string> {
    if (userId.includes('\u0000')) throw new NotFoundError(`No profile with userId "${userId}" in this workspace`);
    return this.profiles.requireIdOfUser(workspaceId, userId);
  }

  private async choices(m: EntityManager, workspaceId: string, profileId: string): Promise<Choice[]> {
    const rows: ChoiceRow[] = await m.query(
      'SELECT topic_key, channel, status, updated_at FROM preferences WHERE workspace_id = $1 AND profile_id = $2',
      [workspaceId, profileId],
    );
    return rows.map(toChoice);
  }

  private async upsert(
    m: EntityManager,
    workspaceId: string,
    profileId: string,
    rows: PreferenceChoice[],
    source: PreferenceSource,
    messageId?: string,
  ): Promise<void> {
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO preferences (workspace_id, profile_id, topic_key, channel, status, source, message_id)
       SELECT $1, $2, t, c, s, $3, $4 FROM unnest($5::text[], $6::text[], $7::text[]) AS x(t, c, s)
       ON CONFLICT (profile_id, topic_key, channel) DO UPDATE
         SET status = EXCLUDED.status, source = EXCLUDED.source, message_id = EXCLUDED.message_id, updated_at = now()`,
      [
        workspaceId,
        profileId,
        source,
        messageId ?? null,
        rows.map((r) => r.topicKey),
        rows.map((r) => r.channel),
        rows.map((r) => r.status),
      ],
    );
  }
}

function toChoice(row: ChoiceRow): Choice {
  return { topicKey: row.topic_key, channel: row.channel, status: row.status, updatedAt: row.updated_at };
}

function byChannelOrder(a: string, b: string): number {
  const rank = (channel: string) =>
    PREFERENCE_CHANNELS.includes(channel) ? PREFERENCE_CHANNELS.indexOf(channel) : PREFERENCE_CHANNELS.length;
  return rank(a) - rank(b) || a.localeCompare(b);
}

function matrixRow(topic: TopicDto, choices: Choice[]): TopicPreferenceDto {
  const own = choices.filter((c) => c.topicKey === topic.key);
  const channels = Object.fromEntries(own.filter((c) => c.channel !== ALL).map((c) => [c.channel, c.status]));
  const relevant = choices.filter((c) => c.topicKey === topic.key || c.topicKey === ALL);
  const evaluated = [...new Set([...PREFERENCE_CHANNELS, ...Object.keys(channels)])].sort(byChannelOrder);
  const effective = Object.fromEntries(
    evaluated.map((channel) => [channel, decidePreference(topic, relevant, channel).allowed ? 'opted_in' : 'opted_out'] as const),
  ) as Record<string, PreferenceStatus>;
  const latest = own.reduce<Date | null>((at, c) => (at === null || c.updatedAt > at ? c.updatedAt : at), null);
  return {
    key: topic.key,
    name: topic.name,
    description: topic.description,
    defaultPreference: topic.defaultPreference,
    status: own.find((c) => c.channel === ALL)?.status ?? null,
    channels,
    effective,
    updatedAt: latest,
  };
}
