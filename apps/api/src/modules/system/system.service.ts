import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { RedisClient } from '../../infra/redis/redis.module.js';
import { QUEUES } from '../../infra/queue/queues.js';
import type { WorkerProbeData, WorkerProbeResult } from './worker-probe.processor.js';

export type CheckStatus = 'up' | 'down';

@Injectable()
export class SystemService implements OnApplicationShutdown {
  private queueEvents?: QueueEvents;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(RedisClient) private readonly redis: RedisClient,
    @InjectQueue(QUEUES.system) private readonly systemQueue: Queue<WorkerProbeData, WorkerProbeResult>,
  ) {}

  /** PostgreSQL and Redis each answer within a second. */
  async readiness(): Promise<{ postgres: CheckStatus; redis: CheckStatus }> {
    const [postgres, redis] = await Promise.all([this.check(() => this.dataSource.query('SELECT 1')), this.check(() => this.redis.ping())]);
    return { postgres, redis };
  }

  /** Enqueues a probe job and waits for a worker to finish it. */
  async probeWorkers(holdMs: number, timeoutMs: number) {
    const enqueuedAt = Date.now();
    this.queueEvents ??= new QueueEvents(QUEUES.system, {
      connection: this.systemQueue.opts.connection,
      prefix: this.systemQueue.opts.prefix,
    });
    await this.queueEvents.waitUntilReady();
    const job = await this.systemQueue.add('probe', { holdMs }, { attempts: 1, removeOnComplete: { age: 600 } });
    try {
      const result = await job.waitUntilFinished(this.queueEvents, timeoutMs);
      return { jobId: job.id!, workerPid: result.pid, pickupMs: result.startedAt - enqueuedAt, roundTripMs: Date.now() - enqueuedAt };
    } catch {
      await job.remove().catch(() => undefined);
      throw new ServiceUnavailableException(
        `No worker finished the probe within ${timeoutMs} ms; check that a process runs with ITINERA_ROLE=worker or all and reaches Redis`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queueEvents?.close();
  }

  private async check(probe: () => Promise<unknown>): Promise<CheckStatus> {
    const timeout = sleep(1000).then(() => 'down' as const);
    const answer = probe().then(
      () => 'up' as const,
      () => 'down' as const,
    );
    return Promise.race([answer, timeout]);
  }
}
