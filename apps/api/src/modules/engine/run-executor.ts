import { type JourneyDefinition, type JourneyNode, nextNode, nodeById } from '@itinera/journey-model';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { JourneyDefinitions } from './journey-definitions.js';
import { NodeRunner } from './node-runner.js';
import type { NodeResult, RunState, StoredRunContext } from './nodes/node-handler.js';
import { type RunRow, RunStore, type StepKey } from './run-store.js';

/** Steps one advance may take before yielding the worker (a loop without waits is refused by validation anyway). */
const MAX_STEPS = 100;
/** How often a worker renews the lease of the run it is moving (the lease lasts 15 s). */
const RENEW_MS = 5000;

/**
 * Moves a run through its nodes until it waits or ends. One worker at a time holds a run (a
 * lease in PostgreSQL); each step is recorded by (run, node, visit): a step completed before a
 * crash is not executed again, its recorded port is followed.
 */
@Injectable()
export class RunExecutor {
  constructor(
    @Inject(RunStore) private readonly runs: RunStore,
    @Inject(JourneyDefinitions) private readonly definitions: JourneyDefinitions,
    @Inject(NodeRunner) private readonly nodes: NodeRunner,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Returns false when the run was not advanced (not active, or held by another worker). */
  async advance(runId: string): Promise<boolean> {
    let run: RunRow | null | undefined = await this.runs.lease(runId);
    if (!run) return false;
    const renew = setInterval(() => void this.runs.renewLease(runId).catch(() => undefined), RENEW_MS);
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
      if (run) await this.runs.releaseLease(runId);
    }
  }

  /** Executes the run's current node; returns the run to continue with, or null when it waits, ends or was stopped. */
  private async step(definition: JourneyDefinition, run: RunRow): Promise<RunRow | null> {
    if (!run.current_node) return this.finish(run.id, 'completed', 'reached the end');
    const node = nodeById(definition, run.current_node);
    if (!node) return this.finish(run.id, 'failed', `node ${run.current_node} is not in version ${run.version}`);
    const visit = run.context.visits?.[node.id] ?? 1;
    const at: StepKey = { runId: run.id, nodeId: node.id, visit };
    const step = await this.runs.claimStep(at, node.type, { config: node.config ?? {} });
    const result: NodeResult =
      step.status === 'completed'
        ? { kind: 'next', port: step.port ?? 'next', output: step.output }
        : await this.nodes.run(
            definition,
            node,
            visit,
            stateOf(run),
            step.status === 'waiting' ? 'resumed' : step.fresh ? 'first' : 'retry',
          );
    return this.apply(definition, run, node, at, result);
  }

  /**
   * Records the step's result and moves the run on, in one statement. The context is the one this
   * worker holds: while its lease lasts, nobody else writes it.
   */
  private async apply(
    definition: JourneyDefinition,
    run: RunRow,
    node: JourneyNode,
    at: StepKey,
    result: NodeResult,
  ): Promise<RunRow | null> {
    if (result.kind === 'wait') {
      await this.runs.waitAt(at, {
        output: result.output,
        waitingFor: result.waitFor?.event ?? null,
        filter: result.waitFor?.filter,
        timer: result.until && result.timer ? { kind: result.timer, due: result.until } : null,
      });
      return null;
    }
    if (result.kind === 'end') {
      await this.runs.endAt(at, result);
      return null;
    }

    const context: StoredRunContext = {
      ...run.context,
      visits: { ...run.context.visits, [node.id]: at.visit + 1 },
      data: this.nodes.keepsOutput(node) ? { ...run.context.data, [node.id]: result.output } : run.context.data,
    };
    const step = { port: result.port, output: result.output };
    const next = nextNode(definition, node.id, result.port);
    const nextDefinition = next ? nodeById(definition, next) : undefined;
    if (nextDefinition?.type === 'exit') {
      const exitVisit = context.visits[nextDefinition.id] ?? 1;
      const ended = { ...context, visits: { ...context.visits, [nextDefinition.id]: exitVisit + 1 } };
      await this.runs.completeAndExit(at, step, ended, {
        nodeId: nextDefinition.id,
        visit: exitVisit,
        input: { config: nextDefinition.config ?? {} },
      });
      return null;
    }
    if (!next) {
      const reason = node.type === 'exit' ? `reached exit node ${node.id}` : `port "${result.port}" of ${node.id} is not connected`;
      await this.runs.completeAndEnd(at, step, context, reason);
      return null;
    }
    return this.runs.moveOn(at, step, context, next);
  }

  private async finish(runId: string, status: 'completed' | 'failed', reason: string): Promise<null> {
    await this.runs.finish(runId, status, reason);
    return null;
  }
}

function stateOf(run: RunRow): RunState {
  return {
    id: run.id,
    workspaceId: run.workspace_id,
    journeyId: run.journey_id,
    version: run.version,
    profileId: run.profile_id,
    context: run.context,
  };
}
