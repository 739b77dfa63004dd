import { type JourneyDefinition, nextNode, nodeById } from '@itinera/journey-model';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { JourneyDefinitions } from './journey-definitions.js';
import { NodeRunner } from './node-runner.js';
import type { NodeResult, RunState, StepAttempt, StoredRunContext } from './nodes/node-handler.js';
import type { StatDelta } from '../analytics/stat-deltas.js';
import { type LeasedRun, type RunChange, type RunRow, RunStore, type StepRecord } from './run-store.js';

/** Steps one advance may take before yielding the worker (a loop without waits is refused by validation anyway). */
const MAX_STEPS = 100;
/** How often a worker renews the lease of the run it is moving (the lease lasts 15 s). */
const RENEW_MS = 5000;

/** Where an advance is: the run as last written, and what it did since. */
interface Advance {
  run: RunRow;
  /** The node the run was at when last written: its write applies only while it still is. */
  from: string;
  context: StoredRunContext;
  node: string | null;
  steps: StepRecord[];
  /** `node#visit` of the step the run was leased at, when it was recorded before (a wait): it was counted as entered then. */
  recordedStep?: string;
  /** A node with a side effect ran since the last write: it is written before the next one runs. */
  effectUnwritten?: boolean;
}

/**
 * Moves a run through its nodes until it waits or ends. One worker at a time holds a run (a lease
 * in PostgreSQL). Nodes without side effects (branch, split, delay's computation, exit…) run in
 * memory; the advance is written — its steps and the run's new state, in one statement — when the
 * run waits, when it ends, and before a node with a side effect (send, fetch, ai, webhook,
 * update_profile) when another one has run since the last write: at most one side effect is
 * unwritten at any time. Side effects are keyed by (run, node, visit), so an advance interrupted
 * before its write and done again repeats none (a send finds its message).
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
    const leased = await this.runs.lease(runId);
    if (!leased) return false;
    await this.advanceLeased(leased);
    return true;
  }

  /** Advances a run whose lease this worker holds (taken by `advance`, or by the insert of a run just entered). */
  async advanceLeased(leased: LeasedRun): Promise<void> {
    const runId = leased.id;
    let stillActive = true;
    const renew = setInterval(() => void this.runs.renewLease(runId).catch(() => undefined), RENEW_MS);
    try {
      const definition = await this.definitions.version(leased.journey_id, leased.version);
      stillActive = await this.execute(definition, leased);
    } catch (error) {
      this.logger.error({ err: error, runId }, 'run step failed; it will be retried');
      throw error;
    } finally {
      clearInterval(renew);
      // Waiting and ended runs released their lease with their last write; only a run that is
      // still active (stopped by an error, or after MAX_STEPS) needs this.
      if (stillActive) await this.runs.releaseLease(runId);
    }
  }

  /** Returns whether the run is still active (and leased) when the advance stops. */
  private async execute(definition: JourneyDefinition, leased: LeasedRun): Promise<boolean> {
    if (!leased.current_node) {
      await this.runs.finish(leased.id, 'completed', 'reached the end');
      return false;
    }
    const advance: Advance = {
      run: leased,
      from: leased.current_node,
      context: leased.context,
      node: leased.current_node,
      steps: [],
      recordedStep: leased.step_status ? `${leased.current_node}#${leased.context.visits?.[leased.current_node] ?? 1}` : undefined,
    };
    // Only the node the run was leased at can have a recorded step (a wait that is over, or an
    // advance interrupted after writing it).
    let recorded: Pick<LeasedRun, 'step_status' | 'step_port' | 'step_output'> | undefined = leased;
    for (let taken = 0; taken < MAX_STEPS; taken += 1) {
      const node = nodeById(definition, advance.node!);
      if (!node)
        return this.write(advance, { kind: 'end', status: 'failed', reason: `node ${advance.node} is not in version ${leased.version}` });
      if (advance.effectUnwritten && this.nodes.hasSideEffect(node)) {
        // One side effect per write: the one done is recorded before the next one happens.
        const moved = await this.runs.record(
          advance.run.id,
          advance.from,
          advance.steps,
          { kind: 'move', context: advance.context, next: node.id },
          stepDeltas(advance),
        );
        if (!moved) return false; // stopped meanwhile (a goal exit, a cancel)
        Object.assign(advance, {
          run: moved,
          from: node.id,
          context: moved.context,
          steps: [],
          recordedStep: undefined,
          effectUnwritten: false,
        });
      }
      const visit = advance.context.visits?.[node.id] ?? 1;
      const startedAt = Date.now();
      let result: NodeResult;
      // A step completed before (a wait its event ended) is recorded and counted already: only its port is followed.
      const alreadyCompleted = recorded?.step_status === 'completed';
      if (recorded?.step_status === 'completed') {
        result = { kind: 'next', port: recorded.step_port ?? 'next', output: recorded.step_output };
      } else {
        const attempt: StepAttempt = recorded?.step_status === 'waiting' ? 'resumed' : recorded?.step_status ? 'retry' : 'first';
        result = await this.nodes.run(definition, node, visit, this.stateOf(advance), attempt);
      }
      recorded = undefined;
      const step = { nodeId: node.id, visit, nodeType: node.type, input: { config: node.config ?? {} }, startedAt };

      if (result.kind === 'wait') {
        advance.steps.push({ ...step, status: 'waiting', output: result.output ?? null });
        const timer = result.until && result.timer ? { kind: result.timer, due: result.until } : null;
        return this.write(advance, {
          kind: 'wait',
          node: node.id,
          visit,
          waitingFor: result.waitFor?.event ?? null,
          filter: result.waitFor?.filter,
          timer,
        });
      }
      if (result.kind === 'end') {
        const failed = result.status === 'failed';
        advance.steps.push({
          ...step,
          status: failed ? 'failed' : 'completed',
          error: failed ? result.reason : null,
          finishedAt: Date.now(),
        });
        return this.write(advance, { kind: 'end', status: result.status, reason: result.reason });
      }

      if (!alreadyCompleted)
        advance.steps.push({ ...step, status: 'completed', port: result.port, output: result.output ?? null, finishedAt: Date.now() });
      advance.context = {
        ...advance.context,
        visits: { ...advance.context.visits, [node.id]: visit + 1 },
        data: this.nodes.keepsOutput(node) ? { ...advance.context.data, [node.id]: result.output } : advance.context.data,
      };
      const next = nextNode(definition, node.id, result.port);
      const nextDefinition = next ? nodeById(definition, next) : undefined;
      if (nextDefinition?.type === 'exit') {
        // An exit node does nothing but end the run: its step is recorded with the run's end.
        const exitVisit = advance.context.visits[nextDefinition.id] ?? 1;
        const now = Date.now();
        advance.steps.push({
          nodeId: nextDefinition.id,
          visit: exitVisit,
          nodeType: 'exit',
          input: { config: nextDefinition.config ?? {} },
          status: 'completed',
          startedAt: now,
          finishedAt: now,
        });
        advance.context = { ...advance.context, visits: { ...advance.context.visits, [nextDefinition.id]: exitVisit + 1 } };
        advance.node = nextDefinition.id;
        return this.write(advance, { kind: 'end', status: 'completed', reason: `reached exit node ${nextDefinition.id}` });
      }
      if (!next) {
        const reason = node.type === 'exit' ? `reached exit node ${node.id}` : `port "${result.port}" of ${node.id} is not connected`;
        advance.node = null;
        return this.write(advance, { kind: 'end', status: 'completed', reason });
      }
      advance.node = next;
      if (this.nodes.hasSideEffect(node)) advance.effectUnwritten = true;
    }
    // A long chain without waits: what was done is written, and the run goes on in another advance.
    if (advance.steps.length > 0)
      await this.runs.record(
        advance.run.id,
        advance.from,
        advance.steps,
        { kind: 'move', context: advance.context, next: advance.node! },
        stepDeltas(advance),
      );
    return true;
  }

  /** Writes the advance with the run's final change for it; the run is no longer active afterwards. */
  private async write(advance: Advance, change: DistributiveOmit<RunChange, 'context' | 'node'> & { node?: string }): Promise<false> {
    const full = {
      ...change,
      context: advance.context,
      node: change.kind === 'move' ? undefined : (change.node ?? advance.node),
    } as RunChange;
    const deltas = stepDeltas(advance);
    if (change.kind === 'end') deltas.push({ metric: 'run_ended', port: change.status });
    await this.runs.record(advance.run.id, advance.from, advance.steps, full, deltas);
    return false;
  }

  private stateOf(advance: Advance): RunState {
    const { run } = advance;
    return {
      id: run.id,
      workspaceId: run.workspace_id,
      journeyId: run.journey_id,
      version: run.version,
      profileId: run.profile_id,
      context: advance.context,
    };
  }
}

/** The analytics counts of an advance's steps (see analytics/stat-deltas.ts). */
function stepDeltas(advance: Advance): StatDelta[] {
  const deltas: StatDelta[] = [];
  for (const step of advance.steps) {
    if (`${step.nodeId}#${step.visit}` !== advance.recordedStep) deltas.push({ metric: 'node_entered', node: step.nodeId });
    if (step.status === 'completed') deltas.push({ metric: 'node_completed', node: step.nodeId, port: step.port ?? '' });
    if (step.status === 'failed') deltas.push({ metric: 'node_failed', node: step.nodeId });
  }
  return deltas;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
