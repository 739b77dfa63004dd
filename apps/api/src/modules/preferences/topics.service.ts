import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type SharedCache, SharedCaches } from '../../infra/cache/shared-cache.js';
import { ConflictError, NotFoundError } from '../../infra/http/errors.js';
import type { TopicDto } from './dto/topic.dto.js';
import { type DefaultPreference, TOPIC_KEY, type TopicInfo } from './preference-rules.js';

export interface TopicInput {
  key: string;
  name: string;
  description?: string | null;
  defaultPreference: DefaultPreference;
  bypassQuietHours?: boolean;
  exemptFromCaps?: boolean;
}

interface TopicRow {
  key: string;
  name: string;
  description: string | null;
  default_preference: DefaultPreference;
  bypass_quiet_hours: boolean;
  exempt_from_caps: boolean;
  created_at: Date;
  updated_at: Date;
}

/**
 * Preference topics of a workspace (`/api/topics`), keyed by a slug unique in the workspace. What
 * the send path needs of a topic (`info`) is cached per process until the topic changes (see SharedCaches).
 */
@Injectable()
export class TopicsService {
  private readonly infos: SharedCache<TopicInfo | null>;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SharedCaches) caches: SharedCaches,
  ) {
    this.infos = caches.cache('topics');
  }

  /** The delivery rules of a topic; null when the workspace has no such topic. */
  info(workspaceId: string, key: string): Promise<TopicInfo | null> {
    return this.infos.get(`${workspaceId}:${key}`, async () => {
      const topic = await this.find(workspaceId, key);
      return topic ? topicInfo(topic) : null;
    });
  }

  async list(workspaceId: string): Promise<TopicDto[]> {
    const rows: TopicRow[] = await this.dataSource.query('SELECT * FROM topics WHERE workspace_id = $1 ORDER BY lower(name), key', [
      workspaceId,
    ]);
    return rows.map(toDto);
  }

  async get(workspaceId: string, key: string): Promise<TopicDto> {
    const topic = await this.find(workspaceId, key);
    if (!topic) throw new NotFoundError(`No topic "${key}" in this workspace`);
    return topic;
  }

  async find(workspaceId: string, key: string): Promise<TopicDto | null> {
    if (!TOPIC_KEY.test(key)) return null;
    const rows: TopicRow[] = await this.dataSource.query('SELECT * FROM topics WHERE workspace_id = $1 AND key = $2', [workspaceId, key]);
    return rows.length > 0 ? toDto(rows[0]) : null;
  }

  async create(workspaceId: string, input: TopicInput): Promise<TopicDto> {
    const rows: TopicRow[] = await this.dataSource.query(
      `INSERT INTO topics (workspace_id, key, name, description, default_preference, bypass_quiet_hours, exempt_from_caps)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (workspace_id, key) DO NOTHING RETURNING *`,
      [
        workspaceId,
        input.key,
        input.name,
        input.description ?? null,
        input.defaultPreference,
        input.bypassQuietHours ?? false,
        input.exemptFromCaps ?? false,
      ],
    );
    if (rows.length === 0) throw new ConflictError(`A topic with key "${input.key}" already exists in this workspace`);
    await this.infos.changed(`${workspaceId}:${input.key}`);
    return toDto(rows[0]);
  }

  async update(workspaceId: string, key: string, changes: Partial<Omit<TopicInput, 'key'>>): Promise<TopicDto> {
    const current = await this.get(workspaceId, key);
    // UPDATE … RETURNING answers [rows, count].
    const [rows]: [TopicRow[], number] = await this.dataSource.query(
      `UPDATE topics SET name = $3, description = $4, default_preference = $5, bypass_quiet_hours = $6, exempt_from_caps = $7, updated_at = now()
       WHERE workspace_id = $1 AND key = $2 RETURNING *`,
      [
        workspaceId,
        key,
        changes.name ?? current.name,
        changes.description === undefined ? current.description : changes.description,
        changes.defaultPreference ?? current.defaultPreference,
        changes.bypassQuietHours ?? current.bypassQuietHours,
        changes.exemptFromCaps ?? current.exemptFromCaps,
      ],
    );
    if (rows.length === 0) throw new NotFoundError(`No topic "${key}" in this workspace`);
    await this.infos.changed(`${workspaceId}:${key}`);
    return toDto(rows[0]);
  }

  /**
   * Deletes the topic. Profiles' choices for its key are kept on purpose: re-creating a topic
   * with the same key must not re-subscribe those who opted out.
   */
  async remove(workspaceId: string, key: string): Promise<void> {
    if (!TOPIC_KEY.test(key)) throw new NotFoundError(`No topic "${key}" in this workspace`);
    const [, count] = await this.dataSource.query('DELETE FROM topics WHERE workspace_id = $1 AND key = $2', [workspaceId, key]);
    if (count === 0) throw new NotFoundError(`No topic "${key}" in this workspace`);
    await this.infos.changed(`${workspaceId}:${key}`);
  }
}

export function topicInfo(topic: TopicDto): TopicInfo {
  return {
    key: topic.key,
    name: topic.name,
    defaultPreference: topic.defaultPreference,
    bypassQuietHours: topic.bypassQuietHours,
    exemptFromCaps: topic.exemptFromCaps,
  };
}

function toDto(row: TopicRow): TopicDto {
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    defaultPreference: row.default_preference,
    bypassQuietHours: row.bypass_quiet_hours,
    exemptFromCaps: row.exempt_from_caps,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
