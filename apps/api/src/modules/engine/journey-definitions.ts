import type { JourneyDefinition } from '@itinera/journey-model';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config.js';
import { RedisClient } from '../../infra/redis/redis.module.js';

export interface ActiveJourney {
  journeyId: string;
  name: string;
  version: number;
  definition: JourneyDefinition;
}

/** How long the list of a workspace's active journeys is reused by the stream consumer. */
const ACTIVE_TTL_MS = 1000;

/**
 * Published journey versions, cached: a version never changes once published, so it is read
 * from PostgreSQL once per process. The set of active journeys of a workspace is re-read every
 * second, and at once in every process when one publishes, pauses, resumes or archives a journey
 * (`changed`, broadcast on Redis): an event sent right after publishing finds the journey.
 */
@Injectable()
export class JourneyDefinitions {
  private readonly versions = new Map<string, JourneyDefinition>();
  private readonly active = new Map<string, { at: number; journeys: ActiveJourney[] }>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(RedisClient) private readonly redis: RedisClient,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Where `changed` is announced (the stream consumer listens on its wake-up connection). */
  get changedChannel(): string {
    return `${this.config.REDIS_PREFIX}:journeys:changed`;
  }

  async version(journeyId: string, version: number): Promise<JourneyDefinition> {
    const key = `${journeyId}@${version}`;
    let definition = this.versions.get(key);
    if (!definition) {
      const rows: Array<{ definition: JourneyDefinition }> = await this.dataSource.query(
        'SELECT definition FROM journey_versions WHERE journey_id = $1 AND version = $2',
        [journeyId, version],
      );
      if (rows.length === 0) throw new Error(`journey ${journeyId} has no version ${version}`);
      definition = rows[0].definition;
      if (this.versions.size > 5000) this.versions.clear();
      this.versions.set(key, definition);
    }
    return definition;
  }

  async activeIn(workspaceId: string): Promise<ActiveJourney[]> {
    const cached = this.active.get(workspaceId);
    if (cached && Date.now() - cached.at < ACTIVE_TTL_MS) return cached.journeys;
    const rows: Array<{ id: string; name: string; current_version: number; definition: JourneyDefinition }> = await this.dataSource.query(
      `SELECT j.id, j.name, j.current_version, v.definition FROM journeys j
         JOIN journey_versions v ON v.journey_id = j.id AND v.version = j.current_version
        WHERE j.workspace_id = $1 AND j.status = 'active'`,
      [workspaceId],
    );
    const journeys = rows.map((r) => ({ journeyId: r.id, name: r.name, version: r.current_version, definition: r.definition }));
    this.active.set(workspaceId, { at: Date.now(), journeys });
    return journeys;
  }

  forget(workspaceId: string): void {
    this.active.delete(workspaceId);
  }

  /** After the active journeys of a workspace changed: forgotten here and in every other process. */
  async changed(workspaceId: string): Promise<void> {
    this.forget(workspaceId);
    await this.redis.publish(this.changedChannel, workspaceId).catch(() => undefined);
  }
}
