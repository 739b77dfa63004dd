import type { SimulatedStep, SimulationResult } from '../engine/simulation/journey-simulator.js';

/** What a back-test reports: what the journey would have done with the period's events. */
export interface BacktestReport {
  eventsRead: number;
  /** Runs the journey would have started. */
  entered: number;
  /** Trigger events whose filter (or a segment) kept the profile out. */
  rejectedByFilter: number;
  /** Trigger events the re-entry rule (or a run still in flight) kept out. */
  keptOutByReentry: number;
  /** Trigger events of profiles that no longer exist (erased), or that could not be simulated. */
  skipped: number;
  outcomes: Record<string, number>;
  converted: number;
  conversionRate: number;
  avgSecondsToGoal: number | null;
  /** Per node: steps taken and the ports they left through. */
  nodes: Record<string, { entered: number; ports: Record<string, number> }>;
  /** Per send node and channel: what the delivery rules would have decided. */
  messages: Array<{ nodeId: string; template: string | null; channel: string; decisions: Record<string, number> }>;
  /** The caps, cooldowns and quiet hours that would have applied, by their reason. */
  rules: Record<string, number>;
}

/** A run's goal: the goal event the profile did while the run would have been in flight. */
export interface GoalReached {
  event: string;
  at: Date;
}

/** Adds simulated runs up into a BacktestReport. Pure. */
export class BacktestTally {
  private eventsRead = 0;
  private entered = 0;
  private rejected = 0;
  private keptOut = 0;
  private skipped = 0;
  private converted = 0;
  private secondsToGoal = 0;
  private readonly outcomes: Record<string, number> = {};
  private readonly nodes: BacktestReport['nodes'] = {};
  private readonly messages = new Map<string, BacktestReport['messages'][number]>();
  private readonly rules: Record<string, number> = {};

  read(): void {
    this.eventsRead += 1;
  }

  keptOutByReentry(): void {
    this.keptOut += 1;
  }

  skip(): void {
    this.skipped += 1;
  }

  /** A simulated run, already cut at its goal (see `cutAtGoal`). */
  add(result: SimulationResult, enteredAt: Date, goal: GoalReached | null, templates: Record<string, string>): void {
    if (result.outcome.status === 'entry_rejected') {
      this.rejected += 1;
      return;
    }
    this.entered += 1;
    this.outcomes[result.outcome.status] = (this.outcomes[result.outcome.status] ?? 0) + 1;
    if (goal) {
      this.converted += 1;
      this.secondsToGoal += (goal.at.getTime() - enteredAt.getTime()) / 1000;
    }
    for (const step of result.steps) {
      const node = (this.nodes[step.nodeId] ??= { entered: 0, ports: {} });
      node.entered += 1;
      if (step.port) node.ports[step.port] = (node.ports[step.port] ?? 0) + 1;
      for (const decision of step.message?.decision ?? []) {
        const key = `${step.nodeId}\u0000${decision.channel}`;
        const entry = this.messages.get(key) ?? {
          nodeId: step.nodeId,
          template: templates[step.nodeId] ?? null,
          channel: decision.channel,
          decisions: {},
        };
        entry.decisions[decision.status] = (entry.decisions[decision.status] ?? 0) + 1;
        this.messages.set(key, entry);
        if ((decision.status === 'throttled' || decision.status === 'deferred') && decision.reason) {
          this.rules[decision.reason] = (this.rules[decision.reason] ?? 0) + 1;
        }
      }
    }
  }

  report(): BacktestReport {
    return {
      eventsRead: this.eventsRead,
      entered: this.entered,
      rejectedByFilter: this.rejected,
      keptOutByReentry: this.keptOut,
      skipped: this.skipped,
      outcomes: { ...this.outcomes },
      converted: this.converted,
      conversionRate: this.entered ? this.converted / this.entered : 0,
      avgSecondsToGoal: this.converted ? this.secondsToGoal / this.converted : null,
      nodes: structuredClone(this.nodes),
      messages: [...this.messages.values()].map((m) => ({ ...m, decisions: { ...m.decisions } })),
      rules: { ...this.rules },
    };
  }
}

/** When a simulated run would have ended: its last step's time, or the time its last wait would have gone on. */
export function runEnd(result: SimulationResult): Date | null {
  const last = result.steps.at(-1);
  if (!last) return null;
  return new Date(Math.max(new Date(last.at).getTime(), last.dueAt ? new Date(last.dueAt).getTime() : 0));
}

/** A simulated run stopped by a goal at `goal.at`: the steps begun after it did not happen. */
export function cutAtGoal(result: SimulationResult, goal: GoalReached): SimulationResult {
  const steps: SimulatedStep[] = result.steps
    .filter((step) => new Date(step.at) <= goal.at)
    // A wait (or deferral) the goal interrupted left through no port.
    .map((step) => (step.dueAt && new Date(step.dueAt) > goal.at ? { ...step, port: null } : step));
  return { outcome: { status: 'exited', reason: `goal event ${goal.event}` }, steps };
}
