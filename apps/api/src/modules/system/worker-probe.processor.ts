import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../../infra/config/app-config.js';
import { DrainedWorkerHost } from '../../infra/queue/drained-worker-host.js';
import { QUEUES } from '../../infra/queue/queues.js';

export interface WorkerProbeData {
  holdMs: number;
}

export interface WorkerProbeResult {
  pid: number;
  startedAt: number;
  finishedAt: number;
}

/** Handles the `system` queue: worker probes, which show that workers take and finish jobs. */
@Processor(QUEUES.system)
export class WorkerProbeProcessor extends DrainedWorkerHost {
  constructor(@Inject(AppConfig) config: AppConfig) {
    super(config);
  }

  async process(job: Job<WorkerProbeData>): Promise<WorkerProbeResult> {
    const startedAt = Date.now();
    if (job.data.holdMs > 0) await sleep(job.data.holdMs);
    return { pid: process.pid, startedAt, finishedAt: Date.now() };
  }
}
