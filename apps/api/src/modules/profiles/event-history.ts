import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A stored track event as a replay reads it. */
export interface HistoricEvent {
  id: string;
  profileId: string;
  name: string;
  properties: Record<string, unknown>;
  timestamp: Date;
}

interface HistoricRow {
  id: string;
  profile_id: string;
  event: string;
  properties: Record<string, unknown>;
  timestamp: Date;
}

const toEvent = (r: HistoricRow): HistoricEvent => ({
  id: r.id,
  profileId: r.profile_id,
  name: r.event,
  properties: r.properties,
  timestamp: r.timestamp,
});

/** Reads the workspace's stored track events in time order, for replays (journey back-tests). */
@Injectable()
export class EventHistory {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Events named `name` in [from, to), oldest first, after the keyset position `after`
   * (timestamp, id); optionally only those of some profiles.
   */
  async page(
    workspaceId: string,
    name: string,
    range: { from: Date; to: Date },
    after: { timestamp: Date; id: string } | null,
    limit: number,
    profileIds?: string[],
  ): Promise<HistoricEvent[]> {
    const rows: HistoricRow[] = await this.dataSource.query(
      `SELECT id::text, profile_id, event, properties, timestamp FROM events
        WHERE workspace_id = $1 AND event = $2 AND timestamp >= $3 AND timestamp < $4
          AND ($5::timestamptz IS NULL OR (timestamp, id) > ($5::timestamptz, $6::bigint))
          AND ($7::uuid[] IS NULL OR profile_id = ANY($7::uuid[]))
        ORDER BY timestamp, id LIMIT $8`,
      [workspaceId, name, range.from, range.to, after?.timestamp ?? null, after?.id ?? null, profileIds ?? null, limit],
    );
    return rows.map(toEvent);
  }

  /** How many events `page` would read over the whole range (for progress). */
  async count(workspaceId: string, name: string, range: { from: Date; to: Date }, profileIds?: string[]): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE workspace_id = $1 AND event = $2 AND timestamp >= $3 AND timestamp < $4
          AND ($5::uuid[] IS NULL OR profile_id = ANY($5::uuid[]))`,
      [workspaceId, name, range.from, range.to, profileIds ?? null],
    );
    return rows[0].n;
  }

  /** The profile's events named one of `names` in (after, before], oldest first (at most `limit`). */
  async ofProfile(profileId: string, names: string[], after: Date, before: Date, limit = 50): Promise<HistoricEvent[]> {
    const rows: HistoricRow[] = await this.dataSource.query(
      `SELECT id::text, profile_id, event, properties, timestamp FROM events
        WHERE profile_id = $1 AND event = ANY($2::text[]) AND timestamp > $3 AND timestamp <= $4
        ORDER BY timestamp, id LIMIT $5`,
      [profileId, names, after, before, limit],
    );
    return rows.map(toEvent);
  }
}
