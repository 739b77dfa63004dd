import { type JourneyDefinition, type JourneyNode, nextNode } from '@itinera/journey-model';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { returnedRows } from '../../infra/database/returning.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { JourneyDefinitions } from './journey-definitions.js';
import { type NodeResult, NodeRunner, type RunContext, type RunState } from './node-runner.js';

export interface RunRow {
  id: string;
  workspace_id: string;
  journey_id: string;
  version: number;
  profile_id: string;
  status: string;
  current_node: string | null;
  context: RunContext;
}

interface StepRow {
  status: 'started' | 'completed' | 'failed' | 'waiting';
  port: string | null;
  output: unknown;
  /** Recorded by this claim: no earlier attempt of the step exists. */
  fresh?: boolean;
}

/** Steps one advance may take before yielding the worker (a loop without waits is refused by validation anyway). */
const MAX_STEPS = 100;
/** A run is held by one worker for this long, renewed while it works: a dead worker's runs move again within seconds. */
const LEASE = "interval '15 seconds'";
const RENEW_MS = 5000;
/** The run ($1) is still active at the node being applied ($2). */
const STILL_HERE = "id = $1 AND status = 'active' AND current_node = $2";

/** A CTE `run` that ends the run where `where` holds, returning its id. */
function endRun(where: string, status: string, reason: string, sets = ''): string {
  return `run AS (
           UPDATE journey_runs SET ${sets} status = ${status}, end_reason = ${reason}, ended_at = now(), waiting_for = NULL, wait = NULL, lease_until = NULL, updated_at = now()
            WHERE ${where} RETURNING id
         )`;
}
/** The statement after `endRun`: the ended run's pending timers fire. */
const FIRE_TIMERS = 'UPDATE journey_timers SET fired_at = now() WHERE run_id IN (SELECT id FROM run) AND fired_at IS NULL';

/**
 * Moves a run through its nodes until it waits or ends. One worker at a time holds a run (a
 * lease in PostgreSQL); each step is recorded by (run, node, visit): a step completed before a
 * crash is not executed again, its recorded port is followed.
 */
@Injectable()
export class RunExecutor {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(JourneyDefinitions) private readonly definitions: JourneyDefinitions,
    @Inject(NodeRunner) private readonly nodes: NodeRunner,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Returns false when the run was not advanced (not active, or held by another worker). */
  async advance(runId: string): Promise<boolean> {
    const leased = returnedRows<RunRow>(
      await this.dataSource.query(
        `UPDATE journey_runs SET lease_until = now() + ${LEASE}, updated_at = now()
        WHERE id = $1 AND status = 'active' AND (lease_until IS NULL OR lease_until < now()) RETURNING *`,
        [runId],
      ),
    );
    if (leased.length === 0) return false;
    let run: RunRow | null = leased[0];
    const renew = setInterval(() => {
      void this.dataSource
        .query(`UPDATE journey_runs SET lease_until = now() + ${LEASE} WHERE id = $1 AND lease_until IS NOT NULL`, [runId])
        .catch(() => undefined);
    }, RENEW_MS);
    try {
      const definition = await this.definitions.version(run.journey_id, run.version);
      for (let steps = 0; run && steps < MAX_STEPS; steps += 1) {
        run = await this.step(definition, run);
      }
      return true;
    } catch (error) {
      this.logger.error({ err: error, runId }, 'run step failed; it will be retried');
      throw error;
    } finally {
      clearInterval(renew);
      // Waiting and ended runs released their lease with their last update; only a run that is
      // still active (stopped mid-way, or after MAX_STEPS) needs this.
      if (run !== null) await this.dataSource.query('UPDATE journey_runs SET lease_until = NULL WHERE id = $1', [runId]);
    }
  }

  /** Executes the run's current node; returns the run to continue with, or null when it waits, ends or was stopped. */
  private async step(definition: JourneyDefinition, run: RunRow): Promise<RunRow | null> {
    if (!run.current_node) return this.finish(run.id, 'completed', 'reached the end');
    const node = definition.nodes.find((n) => n.id === run.current_node);
    if (!node) return this.finish(run.id, 'failed', `node ${run.current_node} is not in version ${run.version}`);
    const visit = run.context.visits?.[node.id] ?? 1;
    const step = await this.claimStep(run, node, visit);
    let result: NodeResult;
    if (step.status === 'completed') {
      result = {
        kind: 'next',
        port: step.port ?? 'next',
        output: step.output,
        storeOutput: ['fetch', 'ai', 'webhook'].includes(node.type),
      };
    } else {
      result = await this.nodes.run(
        definition,
        node,
        visit,
        this.state(run),
        step.status === 'waiting' ? 'resumed' : step.fresh ? 'first' : 'retry',
      );
    }
    return this.apply(definition, run, node, visit, result);
  }

  private async claimStep(run: RunRow, node: JourneyNode, visit: number): Promise<StepRow> {
    const inserted: StepRow[] = await this.dataSource.query(
      `INSERT INTO journey_steps (run_id, node_id, visit, node_type, status, input) VALUES ($1, $2, $3, $4, 'started', $5)
       ON CONFLICT (run_id, node_id, visit) DO NOTHING RETURNING status, port, output`,
      [run.id, node.id, visit, node.type, JSON.stringify({ config: node.config ?? {} })],
    );
    if (inserted.length > 0) return { ...inserted[0], fresh: true };
    // Visited before: a retry after a crash, or a wait that is over.
    const rows: StepRow[] = await this.dataSource.query(
      'SELECT status, port, output FROM journey_steps WHERE run_id = $1 AND node_id = $2 AND visit = $3',
      [run.id, node.id, visit],
    );
    return rows[0];
  }

  /**
   * Records the step's result and moves the run on, in one statement (atomic without a
   * transaction). The run row changes only while the run is still active at this node: a goal exit
   * or a cancel that came meanwhile wins, and the step is recorded all the same. The context is the
   * one this worker holds: while its lease lasts, nobody else writes it.
   */
  private async apply(
    definition: JourneyDefinition,
    run: RunRow,
    node: JourneyNode,
    visit: number,
    result: NodeResult,
  ): Promise<RunRow | null> {
    const at = [run.id, node.id, visit];
    if (result.kind === 'wait') {
      const timer = result.until && result.timer ? { kind: result.timer, due: result.until } : null;
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
          ...at,
          JSON.stringify(result.output ?? null),
          result.waitFor?.event ?? null,
          result.waitFor ? JSON.stringify({ nodeId: node.id, visit, filter: result.waitFor.filter ?? null }) : null,
          timer?.kind ?? null,
          timer?.due ?? null,
        ],
      );
      return null;
    }
    if (result.kind === 'end') {
      const failed = result.status === 'failed';
      await this.dataSource.query(
        `WITH step AS (
           UPDATE journey_steps SET status = $4, finished_at = now(), error = $5 WHERE run_id = $1 AND node_id = $2 AND visit = $3
         ), ${endRun(STILL_HERE, '$6', '$7')}
         ${FIRE_TIMERS}`,
        [...at, failed ? 'failed' : 'completed', failed ? result.reason : null, result.status, result.reason],
      );
      return null;
    }

    const context: RunContext = {
      ...run.context,
      visits: { ...run.context.visits, [node.id]: visit + 1 },
      data: result.storeOutput ? { ...run.context.data, [node.id]: result.output } : run.context.data,
    };
    const completeStep = `step AS (
           UPDATE journey_steps SET status = 'completed', port = $4, output = $5, finished_at = now() WHERE run_id = $1 AND node_id = $2 AND visit = $3
         )`;
    const stepParams = [...at, result.port, JSON.stringify(result.output ?? null)];
    const next = nextNode(definition, node.id, result.port) ?? null;
    const nextDefinition = next ? definition.nodes.find((n) => n.id === next) : undefined;
    if (nextDefinition?.type === 'exit') {
      // An exit node does nothing but end the run: its step is recorded and the run ends here.
      const exitVisit = context.visits[nextDefinition.id] ?? 1;
      const ended = { ...context, visits: { ...context.visits, [nextDefinition.id]: exitVisit + 1 } };
      await this.dataSource.query(
        `WITH ${completeStep}, ${endRun(STILL_HERE, "'completed'", '$10', 'context = $6, current_node = $7,')}, exit_step AS (
           INSERT INTO journey_steps (run_id, node_id, visit, node_type, status, input, finished_at)
           SELECT id, $7, $8, 'exit', 'completed', $9, now() FROM run ON CONFLICT (run_id, node_id, visit) DO NOTHING
         )
         ${FIRE_TIMERS}`,
        [
          ...stepParams,
          JSON.stringify(ended),
          nextDefinition.id,
          exitVisit,
          JSON.stringify({ config: nextDefinition.config ?? {} }),
          `reached exit node ${nextDefinition.id}`,
        ],
      );
      return null;
    }
    if (!next) {
      const reason = node.type === 'exit' ? `reached exit node ${node.id}` : `port "${result.port}" of ${node.id} is not connected`;
      await this.dataSource.query(
        `WITH ${completeStep}, ${endRun(STILL_HERE, "'completed'", '$7', 'context = $6, current_node = NULL,')} ${FIRE_TIMERS}`,
        [...stepParams, JSON.stringify(context), reason],
      );
      return null;
    }
    const [updated] = returnedRows<RunRow>(
      await this.dataSource.query(
        `WITH ${completeStep}
         UPDATE journey_runs SET context = $6, current_node = $7, updated_at = now() WHERE ${STILL_HERE} RETURNING *`,
        [...stepParams, JSON.stringify(context), next],
      ),
    );
    return updated ?? null;
  }

  private async finish(runId: string, status: 'completed' | 'failed', reason: string): Promise<null> {
    await this.dataSource.query(`WITH ${endRun("id = $1 AND status = 'active'", '$2', '$3')} ${FIRE_TIMERS}`, [runId, status, reason]);
    return null;
  }

  private state(run: RunRow): RunState {
    return {
      id: run.id,
      workspaceId: run.workspace_id,
      journeyId: run.journey_id,
      version: run.version,
      profileId: run.profile_id,
      context: run.context,
    };
  }
}
