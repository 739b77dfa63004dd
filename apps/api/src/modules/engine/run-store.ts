import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { returnedRows } from '../../infra/database/returning.js';
import { cursorTime, decodeCursor } from '../../infra/http/cursor.js';
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

export interface StepRow {
  status: 'started' | 'completed' | 'failed' | 'waiting';
  port: string | null;
  output: unknown;
  /** Recorded by this claim: no earlier attempt of the step exists. */
  fresh?: boolean;
}

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
            WHERE ${where} RETURNING id
         )`;
}
const FIRE_TIMERS = 'UPDATE journey_timers SET fired_at = now() WHERE run_id IN (SELECT id FROM run) AND fired_at IS NULL';

const COMPLETE_STEP = `step AS (
           UPDATE journey_steps SET status = 'completed', port = $4, output = $5, finished_at = now() WHERE run_id = $1 AND node_id = $2 AND visit = $3
         )`;

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

  /** Takes the run's lease when it is active and nobody holds it; undefined otherwise. */
  async lease(runId: string): Promise<RunRow | undefined> {
    const rows = returnedRows<RunRow>(
      await this.dataSource.query(
        `UPDATE journey_runs SET lease_until = now() + ${LEASE}, updated_at = now()
          WHERE id = $1 AND status = 'active' AND (lease_until IS NULL OR lease_until < now()) RETURNING *`,
        [runId],
      ),
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

  // ── Steps ────────────────────────────────────────────────────────────────────────────────────

  /** Records the step as started, or returns what an earlier attempt recorded (a retry after a crash, or a wait that is over). */
  async claimStep(at: StepKey, nodeType: string, input: unknown): Promise<StepRow> {
    const inserted: StepRow[] = await this.dataSource.query(
      `INSERT INTO journey_steps (run_id, node_id, visit, node_type, status, input) VALUES ($1, $2, $3, $4, 'started', $5)
       ON CONFLICT (run_id, node_id, visit) DO NOTHING RETURNING status, port, output`,
      [at.runId, at.nodeId, at.visit, nodeType, JSON.stringify(input)],
    );
    if (inserted.length > 0) return { ...inserted[0], fresh: true };
    const rows: StepRow[] = await this.dataSource.query(
      'SELECT status, port, output FROM journey_steps WHERE run_id = $1 AND node_id = $2 AND visit = $3',
      [at.runId, at.nodeId, at.visit],
    );
    return rows[0];
  }

  /** The step waits (a delay, a wait for an event, a deferred send): the run waits with it, and its timer is set. */
  async waitAt(
    at: StepKey,
    wait: { output: unknown; waitingFor: string | null; filter: unknown; timer: { kind: string; due: Date } | null },
  ): Promise<void> {
    await this.dataSource.query(
      `WITH step AS (
         UPDATE journey_steps SET status = 'waiting', output = $4 WHERE run_id = $1 AND node_id = $2 AND visit = $3
       ), run AS (
         UPDATE journey_runs SET status = 'waiting', waiting_for = $5, wait = $6, lease_until = NULL, updated_at = now()
          WHERE ${STILL_HERE} RETURNING id
       )
       INSERT INTO journey_timers (run_id, node_id, visit, kind, due_at)
       SELECT id, $2, $3, $7, $8 FROM run WHERE $7::text IS NOT NULL
       ON CONFLICT (run_id, node_id, visit, kind) DO UPDATE SET due_at = EXCLUDED.due_at, fired_at = NULL`,
      [
        at.runId,
        at.nodeId,
        at.visit,
        JSON.stringify(wait.output ?? null),
        wait.waitingFor,
        wait.waitingFor ? JSON.stringify({ nodeId: at.nodeId, visit: at.visit, filter: wait.filter ?? null }) : null,
        wait.timer?.kind ?? null,
        wait.timer?.due ?? null,
      ],
    );
  }

  /** The step ends the run (an exit node reached as the current node, or a node that failed the run). */
  async endAt(at: StepKey, end: { status: 'completed' | 'failed'; reason: string }): Promise<void> {
    const failed = end.status === 'failed';
    await this.dataSource.query(
      `WITH step AS (
         UPDATE journey_steps SET status = $4, finished_at = now(), error = $5 WHERE run_id = $1 AND node_id = $2 AND visit = $3
       ), ${endRuns(STILL_HERE, '$6', '$7')}
       ${FIRE_TIMERS}`,
      [at.runId, at.nodeId, at.visit, failed ? 'failed' : 'completed', failed ? end.reason : null, end.status, end.reason],
    );
  }

  /** The step completed through `port` and the run moves to `nextNode`; the run as it is now, or null when it was stopped meanwhile. */
  async moveOn(at: StepKey, step: { port: string; output: unknown }, context: StoredRunContext, nextNode: string): Promise<RunRow | null> {
    const [updated] = returnedRows<RunRow>(
      await this.dataSource.query(
        `WITH ${COMPLETE_STEP}
         UPDATE journey_runs SET context = $6, current_node = $7, updated_at = now() WHERE ${STILL_HERE} RETURNING *`,
        [at.runId, at.nodeId, at.visit, step.port, JSON.stringify(step.output ?? null), JSON.stringify(context), nextNode],
      ),
    );
    return updated ?? null;
  }

  /** The step completed and its port leads nowhere: the run is completed. */
  async completeAndEnd(at: StepKey, step: { port: string; output: unknown }, context: StoredRunContext, reason: string): Promise<void> {
    await this.dataSource.query(
      `WITH ${COMPLETE_STEP}, ${endRuns(STILL_HERE, "'completed'", '$7', 'context = $6, current_node = NULL,')} ${FIRE_TIMERS}`,
      [at.runId, at.nodeId, at.visit, step.port, JSON.stringify(step.output ?? null), JSON.stringify(context), reason],
    );
  }

  /**
   * The step completed and its port leads to an exit node: an exit node does nothing but end the
   * run, so its step is recorded and the run ends in the same statement.
   */
  async completeAndExit(
    at: StepKey,
    step: { port: string; output: unknown },
    context: StoredRunContext,
    exit: { nodeId: string; visit: number; input: unknown },
  ): Promise<void> {
    await this.dataSource.query(
      `WITH ${COMPLETE_STEP}, ${endRuns(STILL_HERE, "'completed'", '$10', 'context = $6, current_node = $7,')}, exit_step AS (
         INSERT INTO journey_steps (run_id, node_id, visit, node_type, status, input, finished_at)
         SELECT id, $7, $8, 'exit', 'completed', $9, now() FROM run ON CONFLICT (run_id, node_id, visit) DO NOTHING
       )
       ${FIRE_TIMERS}`,
      [
        at.runId,
        at.nodeId,
        at.visit,
        step.port,
        JSON.stringify(step.output ?? null),
        JSON.stringify(context),
        exit.nodeId,
        exit.visit,
        JSON.stringify(exit.input),
        `reached exit node ${exit.nodeId}`,
      ],
    );
  }

  // ── Ending runs from outside ─────────────────────────────────────────────────────────────────

  /** Ends an active run that cannot go on (no current node, a node missing from its version). */
  async finish(runId: string, status: 'completed' | 'failed', reason: string): Promise<void> {
    await this.dataSource.query(`WITH ${endRuns("id = $1 AND status = 'active'", '$2', '$3')} ${FIRE_TIMERS}`, [runId, status, reason]);
  }

  /** Ends a run in flight: a goal event (`exited`) or a cancel (`cancelled`); false when it had ended already. */
  async stop(runId: string, status: 'exited' | 'cancelled', reason: string, m: Queryable = this.dataSource): Promise<boolean> {
    const rows: Array<{ id: string }> = await m.query(
      `WITH ${endRuns("id = $1 AND status IN ('active', 'waiting')", '$2', '$3')}, fired AS (${FIRE_TIMERS}) SELECT id FROM run`,
      [runId, status, reason],
    );
    return rows.length > 0;
  }

  /** Cancels every run in flight of a journey (it is being archived); returns how many. */
  async cancelJourneyRuns(journeyId: string, reason: string, m: Queryable = this.dataSource): Promise<number> {
    const rows: Array<{ id: string }> = await m.query(
      `WITH ${endRuns("journey_id = $1 AND status IN ('active', 'waiting')", "'cancelled'", '$2')}, fired AS (${FIRE_TIMERS}) SELECT id FROM run`,
      [journeyId, reason],
    );
    return rows.length;
  }

  // ── Entry, waits and timers ──────────────────────────────────────────────────────────────────

  /**
   * A run and its trigger step in one statement; a profile already in the journey (a unique index
   * on runs in flight), or kept out by the re-entry rule, inserts neither. False when not entered.
   */
  async insertRun(run: NewRun): Promise<boolean> {
    const inserted: Array<{ id: string }> = await this.dataSource.query(
      `WITH run AS (
         INSERT INTO journey_runs (id, workspace_id, journey_id, version, profile_id, status, current_node, context, entry_key)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
          WHERE $13::text = 'always' OR NOT EXISTS (
            SELECT 1 FROM journey_runs r WHERE r.journey_id = $3 AND r.profile_id = $5
               AND ($13 = 'once' OR r.entered_at > now() - make_interval(secs => $14)))
         ON CONFLICT DO NOTHING RETURNING id
       ), step AS (
         INSERT INTO journey_steps (run_id, node_id, visit, node_type, status, input, output, port, finished_at)
         SELECT id, $10, 1, 'trigger', 'completed', $11, $12, 'next', now() FROM run
       )
       SELECT id FROM run`,
      [
        run.id,
        run.workspaceId,
        run.journeyId,
        run.version,
        run.profileId,
        run.firstNode ? 'active' : 'completed',
        run.firstNode,
        JSON.stringify(run.context),
        run.entryKey,
        run.trigger.nodeId,
        JSON.stringify(run.trigger.input),
        JSON.stringify(run.trigger.output),
        typeof run.reentry === 'string' ? run.reentry : 'after',
        typeof run.reentry === 'string' ? 0 : run.reentry.afterSeconds,
      ],
    );
    if (inserted.length === 0) return false;
    if (!run.firstNode) {
      await this.dataSource.query(`UPDATE journey_runs SET ended_at = now(), end_reason = 'the trigger is not connected' WHERE id = $1`, [
        run.id,
      ]);
    }
    return true;
  }

  async inFlightOf(profileId: string): Promise<InFlightRun[]> {
    return this.dataSource.query(
      `SELECT id, journey_id, version, workspace_id, status, waiting_for, wait FROM journey_runs WHERE profile_id = $1 AND status IN ('active', 'waiting')`,
      [profileId],
    );
  }

  /** The awaited event came: the wait step completes through `matched`, its timeout is dropped, the run is active again. */
  async resumeMatched(at: StepKey, output: unknown): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const changed = returnedRows(
        await m.query(
          `UPDATE journey_runs SET status = 'active', waiting_for = NULL, wait = NULL, updated_at = now()
            WHERE id = $1 AND status = 'waiting' AND current_node = $2 RETURNING id`,
          [at.runId, at.nodeId],
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

  /** Fires up to `limit` due timers (SKIP LOCKED spreads them over workers) and reactivates their runs; returns those runs. */
  async fireDueTimers(limit: number): Promise<string[]> {
    const runs = returnedRows<{ id: string }>(
      await this.dataSource.query(
        `WITH due AS (
           SELECT id FROM journey_timers WHERE ${PENDING_DUE_AT} <= now() ORDER BY ${PENDING_DUE_AT} LIMIT ${wholeNumber(limit)} FOR UPDATE SKIP LOCKED
         ), fired AS (
           UPDATE journey_timers t SET fired_at = now() FROM due WHERE t.id = due.id RETURNING t.run_id, t.node_id
         )
         UPDATE journey_runs r SET status = 'active', waiting_for = NULL, wait = NULL, updated_at = now()
           FROM fired WHERE r.id = fired.run_id AND r.status = 'waiting' AND r.current_node = fired.node_id
         RETURNING r.id`,
      ),
    );
    return runs.map((r) => r.id);
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
    const before = decodeCursor(search.cursor, 2);
    if (before) where.push(`(r.entered_at, r.id) < ($${params.push(before[0])}::timestamptz, $${params.push(before[1])}::uuid)`);
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

  /** Runs per status of each journey of the workspace. */
  async countsByJourney(workspaceId: string): Promise<Map<string, Record<string, number>>> {
    const rows: Array<{ journey_id: string; status: string; n: number }> = await this.dataSource.query(
      'SELECT journey_id, status, count(*)::int AS n FROM journey_runs WHERE workspace_id = $1 GROUP BY journey_id, status',
      [workspaceId],
    );
    const counts = new Map<string, Record<string, number>>();
    for (const row of rows) counts.set(row.journey_id, { ...counts.get(row.journey_id), [row.status]: row.n });
    return counts;
  }
}
