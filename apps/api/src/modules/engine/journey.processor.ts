import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '../../infra/config/app-config.js';
import { DrainedWorkerHost } from '../../infra/queue/drained-worker-host.js';
import { QUEUES } from '../../infra/queue/queues.js';
import { RunExecutor } from './run-executor.js';
import { RunLauncher } from './run-launcher.js';

/** Advances journey runs (queue `journeys`, job `advance`), in the slots the stream consumer's advances share (RunLauncher). */
@Processor(QUEUES.journeys)
export class JourneyProcessor extends DrainedWorkerHost {
  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(RunExecutor) private readonly executor: RunExecutor,
    @Inject(RunLauncher) private readonly launcher: RunLauncher,
  ) {
    super(config);
  }

  async process(job: Job<{ runId: string }>): Promise<{ advanced: boolean }> {
    return { advanced: await this.launcher.withSlot(() => this.executor.advance(job.data.runId)) };
  }
}
