import { type JourneyDefinition, type JourneyNode, nextNode } from '@itinera/journey-model';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
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
}

/** Steps one advance may take before yielding the worker (a loop without waits is refused by validation anyway). */
const MAX_STEPS = 100;
/** A run is held by one worker for this long, renewed while it works: a dead worker's runs move again within seconds. */
const LEASE = "interval '15 seconds'";
const RENEW_MS = 5000;

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
    const leased = returnedRows<RunRow>(await this.dataSource.query(
      `UPDATE journey_runs SET lease_until = now() + ${LEASE}, updated_at = now()
        WHERE id = $1 AND status = 'active' AND (lease_until IS NULL OR lease_until < now()) RETURNING *`,
      [runId],
    ));
    if (leased.length === 0) return false;
    let run: RunRow | null = leased[0];
    const renew = setInterval(() => {
      void this.dataSource.query(`UPDATE journey_runs SET lease_until = now() + ${LEASE} WHERE id = $1 AND lease_until IS NOT NULL`, [runId]).catch(() => undefined);
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
      result = { kind: 'next', port: step.port ?? 'next', output: step.output, storeOutput: ['fetch', 'ai', 'webhook'].includes(node.type) };
    } else {
      result = await this.nodes.run(definition, node, visit, this.state(run), step.status === 'waiting');
    }
    return this.dataSource.transaction((m) => this.apply(m, definition, run, node, visit, result));
  }

  private async claimStep(run: RunRow, node: JourneyNode, visit: number): Promise<StepRow> {
    const inserted: StepRow[] = await this.dataSource.query(
      `INSERT INTO journey_steps (run_id, node_id, visit, node_type, status, input) VALUES ($1, $2, $3, $4, 'started', $5)
       ON CONFLICT (run_id, node_id, visit) DO NOTHING RETURNING status, port, output`,
      [run.id, node.id, visit, node.type, JSON.stringify({ config: node.config ?? {} })],
    );
    if (inserted.length > 0) return inserted[0];
    // Visited before: a retry after a crash, or a wait that is over.
    const rows: StepRow[] = await this.dataSource.query('SELECT status, port, output FROM journey_steps WHERE run_id = $1 AND node_id = $2 AND visit = $3', [run.id, node.id, visit]);
    return rows[0];
  }

  private async apply(m: EntityManager, definition: JourneyDefinition, run: RunRow, node: JourneyNode, visit: number, result: NodeResult): Promise<RunRow | null> {
    const [current]: RunRow[] = await m.query('SELECT * FROM journey_runs WHERE id = $1 FOR UPDATE', [run.id]);
    // Exited (goal event) or cancelled while this node ran: record the step, go no further.
    const stopped = current.status !== 'active' || current.current_node !== node.id;
    if (result.kind === 'wait') {
      await m.query(`UPDATE journey_steps SET status = 'waiting', output = $4 WHERE run_id = $1 AND node_id = $2 AND visit = $3`, [run.id, node.id, visit, JSON.stringify(result.output ?? null)]);
      if (stopped) return null;
      if (result.until && result.timer) {
        await m.query(
          `INSERT INTO journey_timers (run_id, node_id, visit, kind, due_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (run_id, node_id, visit, kind) DO UPDATE SET due_at = EXCLUDED.due_at, fired_at = NULL`,
          [run.id, node.id, visit, result.timer, result.until],
        );
      }
      await m.query(
        `UPDATE journey_runs SET status = 'waiting', waiting_for = $2, wait = $3, lease_until = NULL, updated_at = now() WHERE id = $1`,
        [run.id, result.waitFor?.event ?? null, result.waitFor ? JSON.stringify({ nodeId: node.id, visit, filter: result.waitFor.filter ?? null }) : null],
      );
      return null;
    }
    if (result.kind === 'end') {
      await m.query(`UPDATE journey_steps SET status = $4, finished_at = now(), error = $5 WHERE run_id = $1 AND node_id = $2 AND visit = $3`, [
        run.id,
        node.id,
        visit,
        result.status === 'failed' ? 'failed' : 'completed',
        result.status === 'failed' ? result.reason : null,
      ]);
      if (!stopped) await this.end(m, run.id, result.status, result.reason);
      return null;
    }
    await m.query(`UPDATE journey_steps SET status = 'completed', port = $4, output = $5, finished_at = now() WHERE run_id = $1 AND node_id = $2 AND visit = $3`, [
      run.id,
      node.id,
      visit,
      result.port,
      JSON.stringify(result.output ?? null),
    ]);
    if (stopped) return null;
    const context: RunContext = {
      ...current.context,
      visits: { ...current.context.visits, [node.id]: visit + 1 },
      data: result.storeOutput ? { ...current.context.data, [node.id]: result.output } : current.context.data,
    };
    const next = nextNode(definition, node.id, result.port) ?? null;
    const nextDefinition = next ? definition.nodes.find((n) => n.id === next) : undefined;
    if (nextDefinition?.type === 'exit') {
      // An exit node does nothing but end the run: record its step and end here, in this transaction.
      const exitVisit = context.visits[nextDefinition.id] ?? 1;
      await m.query(
        `INSERT INTO journey_steps (run_id, node_id, visit, node_type, status, input, finished_at) VALUES ($1, $2, $3, 'exit', 'completed', $4, now())
         ON CONFLICT (run_id, node_id, visit) DO NOTHING`,
        [run.id, nextDefinition.id, exitVisit, JSON.stringify({ config: nextDefinition.config ?? {} })],
      );
      const ended = { ...context, visits: { ...context.visits, [nextDefinition.id]: exitVisit + 1 } };
      await m.query('UPDATE journey_runs SET context = $2, current_node = $3 WHERE id = $1', [run.id, JSON.stringify(ended), nextDefinition.id]);
      await this.end(m, run.id, 'completed', `reached exit node ${nextDefinition.id}`);
      return null;
    }
    if (!next) {
      await m.query('UPDATE journey_runs SET context = $2, current_node = NULL WHERE id = $1', [run.id, JSON.stringify(context)]);
      await this.end(m, run.id, 'completed', node.type === 'exit' ? `reached exit node ${node.id}` : `port "${result.port}" of ${node.id} is not connected`);
      return null;
    }
    const [updated] = returnedRows<RunRow>(await m.query('UPDATE journey_runs SET context = $2, current_node = $3, updated_at = now() WHERE id = $1 RETURNING *', [run.id, JSON.stringify(context), next]));
    return updated;
  }

  private async end(m: EntityManager, runId: string, status: 'completed' | 'failed', reason: string): Promise<void> {
    await m.query(`UPDATE journey_runs SET status = $2, end_reason = $3, ended_at = now(), waiting_for = NULL, wait = NULL, lease_until = NULL, updated_at = now() WHERE id = $1`, [runId, status, reason]);
    await m.query('UPDATE journey_timers SET fired_at = now() WHERE run_id = $1 AND fired_at IS NULL', [runId]);
  }

  private async finish(runId: string, status: 'completed' | 'failed', reason: string): Promise<null> {
    await this.dataSource.transaction((m) => this.end(m, runId, status, reason));
    return null;
  }

  private state(run: RunRow): RunState {
    return { id: run.id, workspaceId: run.workspace_id, journeyId: run.journey_id, version: run.version, profileId: run.profile_id, context: run.context };
  }
}
