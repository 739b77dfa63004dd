import { WorkerHost } from '@nestjs/bullmq';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';

/**
 * Base class of every queue processor. It sizes the worker from the config and, on shutdown,
 * closes the worker *before* any connection is torn down: BullMQ stops taking jobs and waits for
 * the in-flight ones, so SIGTERM drains a worker without losing a job.
 */
export abstract class DrainedWorkerHost extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected constructor(protected readonly config: AppConfig) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.ITINERA_WORKER_CONCURRENCY;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}
