import type { DataSource } from 'typeorm';
import type { EventDto } from './dto/profile.dto.js';

export interface LiveEventFilter {
  /** Track event name. */
  event?: string;
  userId?: string;
}

interface Snapshot {
  /** Oldest transaction still running: every transaction below it has finished. */
  xmin: bigint;
  /** First transaction id not yet assigned when the snapshot was taken. */
  xmax: bigint;
  /** The highest event id handed out so far (ids come from one sequence, in time order). */
  allocated: bigint;
}

const BATCH = 200;
const MAX_WINDOW = 20_000n;

/**
 * The new events of a workspace, for the admin's live view: polled from `events` by id, each
 * event once, none skipped. An id is handed out when a transaction inserts the event, but that
 * transaction may commit after one that took a higher id, so reading "above the last id seen"
 * would miss it. The feed reads above a floor below which every id is final instead: the highest
 * id handed out at an earlier poll, once every transaction running at that poll has finished.
 * Events between the floor and the newest one seen are told apart by id. A write transaction
 * left open for long holds the floor back; past MAX_WINDOW ids the floor moves on regardless
 * (an event committed that late is then not shown live; the event list still has it).
 */
export class LiveEventFeed {
  private floor: bigint;
  private readonly seen = new Set<bigint>();
  /** Highest id handed out at each earlier poll, with the transactions that could still hold one of them. */
  private readonly pending: Array<{ xmax: bigint; allocated: bigint }> = [];

  private constructor(
    private readonly dataSource: DataSource,
    private readonly workspaceId: string,
    private readonly filter: LiveEventFilter,
    start: Snapshot,
  ) {
    // Events handed an id before the feed started are not new, whenever they commit.
    this.floor = start.allocated;
  }

  static async start(dataSource: DataSource, workspaceId: string, filter: LiveEventFilter): Promise<LiveEventFeed> {
    return new LiveEventFeed(dataSource, workspaceId, filter, await snapshot(dataSource));
  }

  /** Events committed since the last poll that match the filter, in id order. */
  async poll(): Promise<EventDto[]> {
    const now = await snapshot(this.dataSource);
    const found: EventDto[] = [];
    let after = this.floor;
    for (;;) {
      const params: unknown[] = [this.workspaceId, after.toString()];
      const where = ['e.workspace_id = $1', 'e.id > $2::bigint'];
      if (this.filter.event) where.push(`e.event = $${params.push(this.filter.event)}`);
      if (this.filter.userId) where.push(`e.user_id = $${params.push(this.filter.userId)}`);
      const rows: Array<Record<string, unknown>> = await this.dataSource.query(
        `SELECT e.id::text, e.message_id, e.type, e.event, e.name, e.user_id, e.anonymous_id, e.group_id, e.properties, e.traits, e.context,
                e.timestamp, e.received_at
           FROM events e WHERE ${where.join(' AND ')} ORDER BY e.id LIMIT ${BATCH}`,
        params,
      );
      for (const row of rows) {
        const id = BigInt(row.id as string);
        after = id;
        if (this.seen.has(id)) continue;
        this.seen.add(id);
        found.push(toEvent(row));
      }
      if (rows.length < BATCH) break;
    }
    // Every transaction running at an earlier poll has finished: the ids handed out by then are final.
    while (this.pending.length > 0 && this.pending[0].xmax <= now.xmin) {
      const { allocated } = this.pending.shift()!;
      if (allocated > this.floor) this.floor = allocated;
    }
    if (now.allocated - this.floor > MAX_WINDOW) this.floor = now.allocated - MAX_WINDOW;
    for (const id of this.seen) if (id <= this.floor) this.seen.delete(id);
    this.pending.push({ xmax: now.xmax, allocated: now.allocated });
    return found;
  }
}

async function snapshot(dataSource: DataSource): Promise<Snapshot> {
  const [row]: Array<{ xmin: string; xmax: string; allocated: string }> = await dataSource.query(
    `SELECT pg_snapshot_xmin(s)::text AS xmin, pg_snapshot_xmax(s)::text AS xmax, (SELECT last_value FROM events_id_seq)::text AS allocated
       FROM pg_current_snapshot() s`,
  );
  return { xmin: BigInt(row.xmin), xmax: BigInt(row.xmax), allocated: BigInt(row.allocated) };
}

function toEvent(r: Record<string, unknown>): EventDto {
  return {
    id: r.id as string,
    messageId: r.message_id as string,
    type: r.type as string,
    event: r.event as string | null,
    name: r.name as string | null,
    userId: r.user_id as string | null,
    anonymousId: r.anonymous_id as string | null,
    groupId: r.group_id as string | null,
    properties: r.properties as Record<string, unknown>,
    traits: r.traits as Record<string, unknown>,
    context: r.context as Record<string, unknown>,
    timestamp: r.timestamp as Date,
    receivedAt: r.received_at as Date,
  };
}
