import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { pgErrorCode } from '../../infra/database/pg-error-code.js';
import { addNewContactPointsSql } from '../profiles/contact-points.js';
import { IdentityResolver } from '../profiles/identity-resolver.js';
import { mergeAnonymousProfile } from '../profiles/profile-merger.js';
import { updateProfilesSql, upsertAccountsSql } from '../profiles/profile-statements.js';
import { changeRows, EventStream, type StreamAppend } from '../stream/event-stream.service.js';
import { partitionOf } from '../stream/stream.constants.js';
import { eventRow, insertEventsSql, NOT_ALL_STORED, STORE_BATCH_AT_ONCE } from './ingestion-statements.js';
import { collectPatches, type PlacedEvent } from './profile-patches.js';
import type { NormalizedEvent } from './segment-event.js';

export interface IngestResult {
  stored: number;
  duplicates: number;
}

const RETRYABLE_PG = new Set(['40P01', '40001']);
/** A cached profile id whose profile was deleted (erased, or merged away): the events' foreign key says so. */
const STALE_PROFILE = '23503';
/**
 * Stores validated events exactly once and applies what they say about profiles; a stored event
 * is on the journey stream by its row. The profiles module's `IdentityResolver` places events on
 * profiles, from memory when it can (a remembered profile that was deleted or merged away is
 * reported by the events' foreign key: the batch is then placed again from the database). A batch whose every
 * event belongs to a remembered profile and needs no link, merge or account is stored in one
 * statement (`STORE_BATCH_AT_ONCE`); any other batch, or one holding a messageId stored before,
 * in a transaction that places its events on profiles first. A repeated messageId is ignored by
 * the unique (workspace_id, message_id) constraint, so retries never double-count.
 */
@Injectable()
export class IngestionService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStream) private readonly stream: EventStream,
    @Inject(IdentityResolver) private readonly identities: IdentityResolver,
  ) {}

  async ingest(workspaceId: string, events: NormalizedEvent[]): Promise<IngestResult> {
    const seen = new Set<string>();
    const unique = events.filter((e) => !seen.has(e.messageId) && seen.add(e.messageId));
    const known = this.identities.placeFromMemory(workspaceId, unique);
    if (known && (await this.storeAtOnce(workspaceId, known))) return { stored: known.length, duplicates: events.length - known.length };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { stored, partitions, placement, mergedAway } = await this.dataSource.transaction((m) => this.store(m, workspaceId, unique));
        if (placement) this.identities.remember(workspaceId, placement, mergedAway);
        await this.stream.wake(partitions);
        return { stored, duplicates: events.length - stored };
      } catch (error) {
        if (attempt >= 4 || !this.worthRetrying(workspaceId, unique, error)) throw error;
      }
    }
  }

  /** One statement, no transaction; false when the batch must take the transactional path. */
  private async storeAtOnce(workspaceId: string, placed: PlacedEvent[]): Promise<boolean> {
    const rows = placed.map(eventRow);
    const patches = collectPatches(workspaceId, placed);
    const changes = changeRows(patches.changes);
    try {
      await this.dataSource.query(STORE_BATCH_AT_ONCE, [
        workspaceId,
        JSON.stringify(rows),
        JSON.stringify(patches.profiles),
        JSON.stringify(patches.contactPoints),
        JSON.stringify(changes),
        placed.length,
      ]);
    } catch (error) {
      if (
        pgErrorCode(error) === NOT_ALL_STORED ||
        this.worthRetrying(
          workspaceId,
          placed.map((p) => p.event),
          error,
        )
      )
        return false;
      throw error;
    }
    await this.stream.wake([...new Set([...rows.map((r) => r.partition), ...changes.map((c) => c.partition)])]);
    return true;
  }

  /**
   * Whether a failed attempt to store `events` may be retried: a deadlock or serialisation
   * failure, or a remembered profile that is gone (its identities are forgotten, so the retry
   * places the events from the database).
   */
  private worthRetrying(workspaceId: string, events: NormalizedEvent[], error: unknown): boolean {
    const code = pgErrorCode(error);
    if (code === STALE_PROFILE) this.identities.forget(workspaceId, events);
    return code === STALE_PROFILE || (code !== undefined && RETRYABLE_PG.has(code));
  }

  private async store(m: EntityManager, workspaceId: string, events: NormalizedEvent[]) {
    if (events.length === 0) return { stored: 0, partitions: [], placement: undefined, mergedAway: new Set<string>() };
    const placement = await this.identities.place(m, workspaceId, events);
    const { placed, merges } = placement;
    const fresh = await this.insertEvents(m, workspaceId, placed);
    const entries: StreamAppend[] = [];

    // Identity merges said by fresh events (anonymous → known, and aliases), in event order.
    const mergedInto = new Map<string, string>();
    for (const p of fresh) {
      const candidates = [merges.get(p.event.messageId)];
      if (p.event.type === 'alias') candidates.push(await this.identities.profileOfAlias(m, workspaceId, p.event.previousId!));
      for (const from of candidates) {
        if (from && (await mergeAnonymousProfile(m, workspaceId, from, p.profileId))) {
          mergedInto.set(from, p.profileId);
          entries.push({ workspaceId, profileId: p.profileId, kind: 'profile_merged', payload: { mergedProfileId: from } });
        }
      }
    }
    for (const p of fresh) p.profileId = mergedInto.get(p.profileId) ?? p.profileId;
    entries.push(...(await this.applyProfilePatches(m, workspaceId, fresh)));
    // Fresh events are on the stream already (their rows carry the partition); add the changes.
    const partitions = new Set([...fresh.map((p) => partitionOf(p.profileId)), ...(await this.stream.append(m, entries))]);
    return { stored: fresh.length, partitions: [...partitions], placement, mergedAway: new Set(mergedInto.keys()) };
  }

  /** Inserts events; those whose messageId the workspace already has are skipped. Returns the fresh ones. */
  private async insertEvents(m: EntityManager, workspaceId: string, placed: PlacedEvent[]): Promise<PlacedEvent[]> {
    const rows: Array<{ message_id: string }> = await m.query(`${insertEventsSql('$2')} RETURNING message_id`, [
      workspaceId,
      JSON.stringify(placed.map(eventRow)),
    ]);
    const stored = new Set(rows.map((r) => r.message_id));
    // Copies: merges re-point the fresh events to the known profile.
    return placed.filter((p) => stored.has(p.event.messageId)).map((p) => ({ ...p }));
  }

  /** Applies traits, contact points, accounts and last-seen times of fresh events, one statement per kind. */
  private async applyProfilePatches(m: EntityManager, workspaceId: string, fresh: PlacedEvent[]): Promise<StreamAppend[]> {
    if (fresh.length === 0) return [];
    const patches = collectPatches(workspaceId, fresh);
    if (patches.accounts.length > 0) await m.query(upsertAccountsSql('$2'), [workspaceId, JSON.stringify(patches.accounts)]);
    await m.query(updateProfilesSql('$2'), [workspaceId, JSON.stringify(patches.profiles)]);
    if (patches.contactPoints.length > 0) await m.query(addNewContactPointsSql('$2'), [workspaceId, JSON.stringify(patches.contactPoints)]);
    return patches.changes;
  }
}
