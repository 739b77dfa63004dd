import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '../../infra/config/app-config.js';
import { DrainedWorkerHost } from '../../infra/queue/drained-worker-host.js';
import { QUEUES } from '../../infra/queue/queues.js';
import { RunExecutor } from './run-executor.js';

/** Advances journey runs (queue `journeys`, job `advance`). */
@Processor(QUEUES.journeys)
export class JourneyProcessor extends DrainedWorkerHost {
  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(RunExecutor) private readonly executor: RunExecutor,
  ) {
    super(config);
  }

  async process(job: Job<{ runId: string }>): Promise<{ advanced: boolean }> {
    return { advanced: await this.executor.advance(job.data.runId) };
  }
}
