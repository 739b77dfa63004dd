import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { fromEpochMs } from '../../infra/database/epoch-ms.js';
import { returnedRows } from '../../infra/database/returning.js';
import { cursorTime, olderThanCursor } from '../../infra/http/cursor.js';
import { deltaRecords, deltaRows, insertDeltasSql, type StatDelta } from '../analytics/stat-deltas.js';
import type { StoredRunContext } from './nodes/node-handler.js';

export type RunStatus = 'active' | 'waiting' | 'completed' | 'failed' | 'exited' | 'cancelled';

export interface RunRow {
  id: string;
  workspace_id: string;
  journey_id: string;
  version: number;
  profile_id: string;
  status: RunStatus;
  current_node: string | null;
  context: StoredRunContext;
}

/** A leased run, with the step recorded for its current node and visit, if any (a wait that is over, or an interrupted advance). */
export interface LeasedRun extends RunRow {
  step_status: 'started' | 'completed' | 'failed' | 'waiting' | null;
  step_port: string | null;
  step_output: unknown;
}

/** A step an advance took, to record. Times are epoch milliseconds. */
export interface StepRecord {
  nodeId: string;
  visit: number;
  nodeType: string;
  status: 'completed' | 'failed' | 'waiting';
  input: unknown;
  output?: unknown;
  port?: string | null;
  error?: string | null;
  startedAt: number;
  finishedAt?: number | null;
}

/** Where an advance leaves the run. */
export type RunChange =
  /** On to `next` (it goes on in this advance or the next). */
  | { kind: 'move'; context: StoredRunContext; next: string }
  /** Waiting at `node`: until a timer, and/or for an event. */
  | {
      kind: 'wait';
      context: StoredRunContext;
      node: string;
      visit: number;
      waitingFor: string | null;
      filter?: unknown;
      timer: { kind: string; due: Date } | null;
    }
  /** Ended at `node`. */
  | { kind: 'end'; context: StoredRunContext; node: string | null; status: 'completed' | 'failed'; reason: string };

/** A run in flight (active or waiting) of one profile, as the stream consumer needs it. */
export interface InFlightRun {
  id: string;
  journey_id: string;
  version: number;
  workspace_id: string;
  status: 'active' | 'waiting';
  waiting_for: string | null;
  wait: { nodeId: string; visit: number; filter: unknown } | null;
}

/** Where a step is: run, node, visit. */
export interface StepKey {
  runId: string;
  nodeId: string;
  visit: number;
}

export interface JourneyRunSummary {
  byStatus: Record<string, number>;
  enteredLast7Days: number;
}

export interface NewRun {
  id: string;
  workspaceId: string;
  journeyId: string;
  version: number;
  profileId: string;
  /** The node after the trigger; null ends the run at once (the trigger is not connected). */
  firstNode: string | null;
  context: StoredRunContext;
  entryKey: string | null;
  trigger: { nodeId: string; input: unknown; output: unknown };
  reentry: 'once' | 'always' | { afterSeconds: number };
}

type Queryable = Pick<EntityManager, 'query'>;

/**
 * Limits of the background polls are written into their statements, not passed: a statement
 * without parameters is planned for its real limit, where a generic plan would guess one.
 */
const wholeNumber = (n: number) => String(Math.max(1, Math.trunc(n)));

/** A run is held by one worker for this long, renewed while it works: a dead worker's runs move again within seconds. */
const LEASE = "interval '15 seconds'";
/** The run ($1) is still active at the node being applied ($2). */
const STILL_HERE = "id = $1 AND status = 'active' AND current_node = $2";
/** A timer's due time while it has not fired, the key of `journey_timers_pending_idx`. */
const PENDING_DUE_AT = '(CASE WHEN fired_at IS NULL THEN due_at END)';

/**
 * A CTE `run` that ends the runs where `where` holds, returning their ids; the statement goes on
 * with `FIRE_TIMERS`. This is the one way a run ends: its wait is cleared, its lease released,
 * and its pending timers fire (so no timer wakes an ended run).
 */
function endRuns(where: string, status: string, reason: string, sets = ''): string {
  return `run AS (
           UPDATE journey_runs SET ${sets} status = ${status}, end_reason = ${reason}, ended_at = now(), waiting_for = NULL, wait = NULL, lease_until = NULL, updated_at = now()
            WHERE ${where} RETURNING id, journey_id, version, profile_id, current_node, entered_at
         )`;
}
const FIRE_TIMERS = 'UPDATE journey_timers SET fired_at = now() WHERE run_id IN (SELECT id FROM run) AND fired_at IS NULL';

/**
 * The counts of `stop` ($2 the status, $4 the goal event or null): the run's end and where it was;
 * for a goal, the conversion with its time, each split variant the run took, and the send node and
 * template of the last message the run sent.
 */
const STOP_STATS = `stats AS (
         INSERT INTO journey_stat_deltas (journey_id, version, metric, node_id, port, n, total)
         SELECT journey_id, version, 'run_ended', '', $2, 1, 0 FROM run
         UNION ALL SELECT journey_id, version, 'node_stopped', current_node, '', 1, 0 FROM run WHERE current_node IS NOT NULL
         UNION ALL SELECT journey_id, version, 'converted', '', $4, 1, extract(epoch FROM now() - entered_at) FROM run WHERE $4::text IS NOT NULL
         UNION ALL SELECT run.journey_id, run.version, 'variant_converted', st.node_id, st.port, 1, 0
                     FROM run JOIN journey_steps st ON st.run_id = run.id AND st.node_type = 'split' AND st.port IS NOT NULL WHERE $4::text IS NOT NULL
         UNION ALL SELECT run.journey_id, run.version, 'last_touch', touch.node_id, COALESCE(touch.template_key, ''), 1, 0
                     FROM run CROSS JOIN LATERAL (
                       SELECT node_id, template_key FROM messages
                        WHERE profile_id = run.profile_id AND run_id = run.id AND sent_at IS NOT NULL AND node_id IS NOT NULL
                        ORDER BY created_at DESC LIMIT 1
                     ) touch WHERE $4::text IS NOT NULL
       )`;

/**
 * A CTE writing an advance's steps, read from the jsonb parameter $3 (`stepRow`s) for run $1. Times
 * travel as epoch milliseconds (see infra/database/epoch-ms.ts).
 */
const RECORD_STEPS = `steps AS (
           INSERT INTO journey_steps (run_id, node_id, visit, node_type, status, input, output, port, error, started_at, finished_at)
           SELECT $1, s.node_id, s.visit, s.node_type, s.status, s.input, s.output, s.port, s.error, ${fromEpochMs('s.started')},
                  CASE WHEN s.finished IS NOT NULL THEN ${fromEpochMs('s.finished')} END
             FROM jsonb_to_recordset($3::jsonb) AS s(node_id text, visit integer, node_type text, status text, input jsonb, output jsonb,
                                                     port text, error text, started bigint, finished bigint)
           ON CONFLICT (run_id, node_id, visit) DO UPDATE
             SET status = EXCLUDED.status, output = EXCLUDED.output, port = EXCLUDED.port, error = EXCLUDED.error, finished_at = EXCLUDED.finished_at
         )`;

const stepRow = (step: StepRecord) => ({
  node_id: step.nodeId,
  visit: step.visit,
  node_type: step.nodeType,
  status: step.status,
  input: step.input,
  output: step.output ?? null,
  port: step.port ?? null,
  error: step.error ?? null,
  started: step.startedAt,
  finished: step.finishedAt ?? null,
});

/**
 * Every statement on `journey_runs`, `journey_steps` and `journey_timers`: the engine's tables.
 * A step's result and the run's move are one statement each (atomic without a transaction), and a
 * move applies only while the run is still where the mover left it, so a goal exit or a cancel
 * that came meanwhile wins.
 */
@Injectable()
export class RunStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  // ── Leases ───────────────────────────────────────────────────────────────────────────────────

  /** Takes the run's lease when it is active and nobody holds it, with its current step; undefined otherwise. */
  async lease(runId: string): Promise<LeasedRun | undefined> {
    const rows: LeasedRun[] = await this.dataSource.query(
      `WITH leased AS (
         UPDATE journey_runs SET lease_until = now() + ${LEASE}, updated_at = now()
          WHERE id = $1 AND status = 'active' AND (lease_until IS NULL OR lease_until < now()) RETURNING *
       )
       SELECT l.*, s.status AS step_status, s.port AS step_port, s.output AS step_output
         FROM leased l LEFT JOIN journey_steps s
           ON s.run_id = l.id AND s.node_id = l.current_node AND s.visit = COALESCE((l.context->'visits'->>l.current_node)::integer, 1)`,
      [runId],
    );
    return rows[0];
  }

  async renewLease(runId: string): Promise<void> {
    await this.dataSource.query(`UPDATE journey_runs SET lease_until = now() + ${LEASE} WHERE id = $1 AND lease_until IS NOT NULL`, [
      runId,
    ]);
  }

  async releaseLease(runId: string): Promise<void> {
    await this.dataSource.query('UPDATE journey_runs SET lease_until = NULL WHERE id = $1', [runId]);
  }

  // ── Advances ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Records what an advance did — its steps, in order — and the run's new state, in one statement.
   * The run changes only while it is still active at `from`, the node the advance started at (a
   * goal exit or a cancel that came meanwhile wins; the steps are recorded all the same). A step
   * recorded before (a wait that is over, a retry) is updated.
   */
  async record(runId: string, from: string, steps: StepRecord[], change: RunChange, deltas: StatDelta[] = []): Promise<RunRow | null> {
    // $5 is the advance's counts: they apply only with the run's change (a run stopped meanwhile was counted by `stop`).
    const head = [runId, from, JSON.stringify(steps.map(stepRow)), JSON.stringify(change.context), deltaRows(deltas)];
    switch (change.kind) {
      case 'move': {
        const rows: RunRow[] = await this.dataSource.query(
          `WITH ${RECORD_STEPS}, run AS (
             UPDATE journey_runs SET context = $4, current_node = $6, updated_at = now() WHERE ${STILL_HERE} RETURNING *
           ), ${insertDeltasSql('stats', '$5', 'run')}
           SELECT * FROM run`,
          [...head, change.next],
        );
        return rows[0] ?? null;
      }
      case 'wait':
        await this.dataSource.query(
          `WITH ${RECORD_STEPS}, run AS (
             UPDATE journey_runs SET context = $4, current_node = $6, status = 'waiting', waiting_for = $8, wait = $9, lease_until = NULL, updated_at = now()
              WHERE ${STILL_HERE} RETURNING id, journey_id, version
           ), ${insertDeltasSql('stats', '$5', 'run')}
           INSERT INTO journey_timers (run_id, node_id, visit, kind, due_at)
           SELECT id, $6, $7, $10, $11 FROM run WHERE $10::text IS NOT NULL
           ON CONFLICT (run_id, node_id, visit, kind) DO UPDATE SET due_at = EXCLUDED.due_at, fired_at = NULL`,
          [
            ...head,
            change.node,
            change.visit,
            change.waitingFor,
            change.waitingFor ? JSON.stringify({ nodeId: change.node, visit: change.visit, filter: change.filter ?? null }) : null,
            change.timer?.kind ?? null,
            change.timer?.due ?? null,
          ],
        );
        return null;
      case 'end':
        await this.dataSource.query(
          `WITH ${RECORD_STEPS}, ${endRuns(STILL_HERE, '$7', '$8', 'context = $4, current_node = $6,')}, ${insertDeltasSql('stats', '$5', 'run')}
           ${FIRE_TIMERS}`,
          [...head, change.node, change.status, change.reason],
        );
        return null;
    }
  }

  // ── Ending runs from outside ─────────────────────────────────────────────────────────────────

  /** Ends an active run that cannot go on (no current node, a node missing from its version). */
  async finish(runId: string, status: 'completed' | 'failed', reason: string): Promise<void> {
    await this.dataSource.query(
      `WITH ${endRuns("id = $1 AND status = 'active'", '$2', '$3')}, ${insertDeltasSql('stats', '$4', 'run')} ${FIRE_TIMERS}`,
      [runId, status, reason, deltaRows([{ metric: 'run_ended', port: status }])],
    );
  }

  /**
   * Ends a run in flight: a goal event (`exited`, with the goal's event name) or a cancel
   * (`cancelled`); false when it had ended already. A goal is a conversion: it is counted with the
   * time it took, the variants of the run's splits and the last message the run sent (last touch).
   */
  async stop(
    runId: string,
    status: 'exited' | 'cancelled',
    reason: string,
    goal: string | null = null,
    m: Queryable = this.dataSource,
  ): Promise<boolean> {
    const rows: Array<{ id: string }> = await m.query(
      `WITH ${endRuns("id = $1 AND status IN ('active', 'waiting')", '$2', '$3')}, fired AS (${FIRE_TIMERS}), ${STOP_STATS}
       SELECT id FROM run`,
      [runId, status, reason, goal],
    );
    return rows.length > 0;
  }

  /** Cancels every run in flight of a journey (it is being archived); returns how many. */
  async cancelJourneyRuns(journeyId: string, reason: string, m: Queryable = this.dataSource): Promise<number> {
    const rows: Array<{ id: string }> = await m.query(
      `WITH ${endRuns("journey_id = $1 AND status IN ('active', 'waiting')", "'cancelled'", '$2')}, fired AS (${FIRE_TIMERS}), stats AS (
         INSERT INTO journey_stat_deltas (journey_id, version, metric, node_id, port, n)
         SELECT journey_id, version, 'run_ended', '', 'cancelled', count(*) FROM run GROUP BY journey_id, version
         UNION ALL
         SELECT journey_id, version, 'node_stopped', current_node, '', count(*) FROM run WHERE current_node IS NOT NULL GROUP BY journey_id, version, current_node
       )
       SELECT id FROM run`,
      [journeyId, reason],
    );
    return rows.length;
  }

  // ── Entry, waits and timers ──────────────────────────────────────────────────────────────────

  /**
   * Runs with their trigger steps (and their counts) in one statement. A profile already in the
   * journey (a unique index on runs in flight), kept out by the re-entry rule, or entered by this
   * entry key before, inserts nothing; a run whose trigger is not connected ends at once. With
   * `leased`, the runs that can move are inserted leased by the caller, which advances them itself
   * (`RunExecutor.advanceLeased`) without taking the lease in a statement of its own. Two runs of
   * one profile and journey must not be in one call. Returns the ids inserted.
   */
  async insertRuns(runs: NewRun[], options: { leased?: boolean } = {}): Promise<Set<string>> {
    if (runs.length === 0) return new Set();
    const rows = runs.map((run) => ({
      id: run.id,
      workspace_id: run.workspaceId,
      journey_id: run.journeyId,
      version: run.version,
      profile_id: run.profileId,
      first_node: run.firstNode,
      context: run.context,
      entry_key: run.entryKey,
      trigger_node: run.trigger.nodeId,
      trigger_input: run.trigger.input,
      trigger_output: run.trigger.output,
      reentry: typeof run.reentry === 'string' ? run.reentry : 'after',
      reentry_seconds: typeof run.reentry === 'string' ? 0 : run.reentry.afterSeconds,
      counts: deltaRecords([
        { metric: 'run_entered' },
        { metric: 'node_entered', node: run.trigger.nodeId },
        { metric: 'node_completed', node: run.trigger.nodeId, port: 'next' },
        ...(run.firstNode ? [] : [{ metric: 'run_ended' as const, port: 'completed' }]),
      ]),
    }));
    const inserted: Array<{ id: string }> = await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(id uuid, workspace_id uuid, journey_id uuid, version integer, profile_id uuid,
           first_node text, context jsonb, entry_key text, trigger_node text, trigger_input jsonb, trigger_output jsonb, reentry text,
           reentry_seconds double precision, counts jsonb)
       ), run AS (
         INSERT INTO journey_runs (id, workspace_id, journey_id, version, profile_id, status, current_node, context, entry_key, lease_until, ended_at, end_reason)
         SELECT i.id, i.workspace_id, i.journey_id, i.version, i.profile_id, CASE WHEN i.first_node IS NULL THEN 'completed' ELSE 'active' END,
                i.first_node, i.context, i.entry_key, CASE WHEN $2::boolean AND i.first_node IS NOT NULL THEN now() + ${LEASE} END,
                CASE WHEN i.first_node IS NULL THEN now() END, CASE WHEN i.first_node IS NULL THEN 'the trigger is not connected' END
           FROM input i
          WHERE i.reentry = 'always' OR NOT EXISTS (
            SELECT 1 FROM journey_runs r WHERE r.journey_id = i.journey_id AND r.profile_id = i.profile_id
               AND (i.reentry = 'once' OR r.entered_at > now() - make_interval(secs => i.reentry_seconds)))
         ON CONFLICT DO NOTHING RETURNING id, journey_id, version
       ), step AS (
         INSERT INTO journey_steps (run_id, node_id, visit, node_type, status, input, output, port, finished_at)
         SELECT run.id, i.trigger_node, 1, 'trigger', 'completed', i.trigger_input, i.trigger_output, 'next', now() FROM run JOIN input i ON i.id = run.id
       ), stats AS (
         INSERT INTO journey_stat_deltas (journey_id, version, counts) SELECT run.journey_id, run.version, i.counts FROM run JOIN input i ON i.id = run.id
       )
       SELECT id FROM run`,
      [JSON.stringify(rows), options.leased ?? false],
    );
    return new Set(inserted.map((r) => r.id));
  }

  /** The runs in flight of each of these profiles (a profile with none is absent). */
  async inFlightOfProfiles(profileIds: string[]): Promise<Map<string, InFlightRun[]>> {
    const rows: Array<InFlightRun & { profile_id: string }> = await this.dataSource.query(
      `SELECT id, profile_id, journey_id, version, workspace_id, status, waiting_for, wait FROM journey_runs
        WHERE profile_id = ANY($1::uuid[]) AND status IN ('active', 'waiting')`,
      [profileIds],
    );
    const byProfile = new Map<string, InFlightRun[]>();
    for (const { profile_id, ...run } of rows) byProfile.set(profile_id, [...(byProfile.get(profile_id) ?? []), run]);
    return byProfile;
  }

  /** The awaited event came: the wait step completes through `matched`, its timeout is dropped, the run is active again. */
  async resumeMatched(at: StepKey, output: unknown): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const changed = returnedRows(
        await m.query(
          `WITH run AS (
             UPDATE journey_runs SET status = 'active', waiting_for = NULL, wait = NULL, updated_at = now()
              WHERE id = $1 AND status = 'waiting' AND current_node = $2 RETURNING id, journey_id, version
           ), ${insertDeltasSql('stats', '$3', 'run')}
           SELECT id FROM run`,
          [at.runId, at.nodeId, deltaRows([{ metric: 'node_completed', node: at.nodeId, port: 'matched' }])],
        ),
      );
      if (changed.length === 0) return false;
      await m.query(
        `UPDATE journey_steps SET status = 'completed', port = 'matched', output = $4, finished_at = now() WHERE run_id = $1 AND node_id = $2 AND visit = $3`,
        [at.runId, at.nodeId, at.visit, JSON.stringify(output)],
      );
      await m.query('UPDATE journey_timers SET fired_at = now() WHERE run_id = $1 AND node_id = $2 AND visit = $3 AND fired_at IS NULL', [
        at.runId,
        at.nodeId,
        at.visit,
      ]);
      return true;
    });
  }

  /**
   * Fires up to `limit` due timers (SKIP LOCKED spreads them over workers) and reactivates their
   * runs; returns those runs, with their current step. With `leased`, the runs come back leased by
   * the caller, which advances them itself (`RunExecutor.advanceLeased`).
   */
  async fireDueTimers(limit: number, options: { leased?: boolean } = {}): Promise<LeasedRun[]> {
    return returnedRows<LeasedRun>(
      await this.dataSource.query(
        `WITH due AS (
           SELECT id FROM journey_timers WHERE ${PENDING_DUE_AT} <= now() ORDER BY ${PENDING_DUE_AT} LIMIT ${wholeNumber(limit)} FOR UPDATE SKIP LOCKED
         ), fired AS (
           UPDATE journey_timers t SET fired_at = now() FROM due WHERE t.id = due.id RETURNING t.run_id, t.node_id
         ), woken AS (
           UPDATE journey_runs r SET status = 'active', waiting_for = NULL, wait = NULL, updated_at = now()${options.leased ? `, lease_until = now() + ${LEASE}` : ''}
             FROM fired WHERE r.id = fired.run_id AND r.status = 'waiting' AND r.current_node = fired.node_id
           RETURNING r.*
         )
         SELECT w.*, s.status AS step_status, s.port AS step_port, s.output AS step_output
           FROM woken w LEFT JOIN journey_steps s
             ON s.run_id = w.id AND s.node_id = w.current_node AND s.visit = COALESCE((w.context->'visits'->>w.current_node)::integer, 1)`,
      ),
    );
  }

  /** Active runs nobody has moved for a while and nobody holds. */
  async stalled(limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM journey_runs WHERE (CASE WHEN status = 'active' THEN updated_at END) < now() - interval '15 seconds'
          AND (lease_until IS NULL OR lease_until < now()) LIMIT ${wholeNumber(limit)}`,
    );
    return rows.map((r) => r.id);
  }

  // ── Reading runs (the journeys API) ──────────────────────────────────────────────────────────

  async hasRuns(journeyId: string): Promise<boolean> {
    return (await this.dataSource.query('SELECT 1 FROM journey_runs WHERE journey_id = $1 LIMIT 1', [journeyId])).length > 0;
  }

  /** A journey's runs, newest first, keyset-paginated; rows carry the profile's `user_id` and a `cursor_time`. */
  async runsOf(
    journeyId: string,
    search: { status?: string; userId?: string; limit: number; cursor?: string },
  ): Promise<Array<Record<string, unknown> & { id: string; cursor_time: string }>> {
    const params: unknown[] = [journeyId];
    const where = ['r.journey_id = $1'];
    if (search.status) where.push(`r.status = $${params.push(search.status)}`);
    if (search.userId) where.push(`p.user_id = $${params.push(search.userId)}`);
    const older = olderThanCursor(search.cursor, { time: 'r.entered_at', id: 'r.id' }, params);
    if (older) where.push(older);
    return this.dataSource.query(
      `SELECT r.*, p.user_id, ${cursorTime('r.entered_at')}
         FROM journey_runs r JOIN profiles p ON p.id = r.profile_id WHERE ${where.join(' AND ')}
        ORDER BY r.entered_at DESC, r.id DESC LIMIT $${params.push(search.limit + 1)}`,
      params,
    );
  }

  /** A run of the workspace with its steps (in order) and timers; undefined when there is none. */
  async detail(
    workspaceId: string,
    runId: string,
  ): Promise<{ run: Record<string, unknown>; steps: Array<Record<string, unknown>>; timers: Array<Record<string, unknown>> } | undefined> {
    const rows = await this.dataSource.query(
      'SELECT r.*, p.user_id FROM journey_runs r JOIN profiles p ON p.id = r.profile_id WHERE r.workspace_id = $1 AND r.id = $2',
      [workspaceId, runId],
    );
    if (rows.length === 0) return undefined;
    const steps = await this.dataSource.query('SELECT * FROM journey_steps WHERE run_id = $1 ORDER BY started_at, id', [runId]);
    const timers = await this.dataSource.query(
      'SELECT node_id, visit, kind, due_at, fired_at FROM journey_timers WHERE run_id = $1 ORDER BY due_at',
      [runId],
    );
    return { run: rows[0], steps, timers };
  }

  /** Per journey of the workspace: its runs by status, and how many entered in the last 7 days. */
  async summaryByJourney(workspaceId: string): Promise<Map<string, JourneyRunSummary>> {
    const rows: Array<{ journey_id: string; status: string; n: number; recent: number }> = await this.dataSource.query(
      `SELECT journey_id, status, count(*)::int AS n, count(*) FILTER (WHERE entered_at > now() - interval '7 days')::int AS recent
         FROM journey_runs WHERE workspace_id = $1 GROUP BY journey_id, status`,
      [workspaceId],
    );
    const summaries = new Map<string, JourneyRunSummary>();
    for (const row of rows) {
      const summary = summaries.get(row.journey_id) ?? { byStatus: {}, enteredLast7Days: 0 };
      summary.byStatus[row.status] = row.n;
      summary.enteredLast7Days += row.recent;
      summaries.set(row.journey_id, summary);
    }
    return summaries;
  }
}
