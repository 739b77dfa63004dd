import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { redisOptionsFromUrl } from '../redis/redis-options.js';
import { DEFAULT_JOB_OPTIONS, QUEUES } from './queues.js';

/**
 * BullMQ on Redis. Every process can enqueue; only processes in the worker role register
 * processors (see WorkerModule), and @nestjs/bullmq closes their workers on shutdown, which
 * waits for in-flight jobs to finish: SIGTERM drains a worker.
 */
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    const queues = Object.values(QUEUES).map((name) => BullModule.registerQueue({ name }));
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            connection: redisOptionsFromUrl(config.REDIS_URL),
            prefix: config.REDIS_PREFIX,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          }),
        }),
        ...queues,
      ],
      exports: queues,
    };
  }
}
