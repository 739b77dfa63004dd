import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '../../infra/config/app-config.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { RedisClient } from '../../infra/redis/redis.module.js';
import { EventStream } from '../stream/event-stream.service.js';
import { PartitionedConsumer } from '../stream/partitioned-consumer.js';
import { JourneyDefinitions } from './journey-definitions.js';
import { JourneyEntryService } from './journey-entry.service.js';

/** Any fixed number: the journeys consumer owns partition p while it holds advisory lock BASE + p. */
const PARTITION_LOCK_BASE = 741_853_000;

/**
 * Consumes the journey hand-off stream in the worker role (partition ownership, positions and
 * wake-ups are the stream module's `PartitionedConsumer`): goal exits, awaited events and entries.
 * Journey publish announcements arrive on the same Redis connection as the stream's wake-ups, so a
 * journey published before an event was sent is known before that event is read.
 */
@Injectable()
export class JourneyStreamConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: PartitionedConsumer;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(EventStream) stream: EventStream,
    @Inject(JourneyEntryService) entries: JourneyEntryService,
    @Inject(JourneyDefinitions) definitions: JourneyDefinitions,
    @Inject(RedisClient) redis: RedisClient,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.consumer = new PartitionedConsumer({
      name: 'journeys',
      lockBase: PARTITION_LOCK_BASE,
      databaseUrl: config.DATABASE_URL,
      stream,
      redis,
      logger,
      handlePage: (page) => entries.handlePage(page),
      channels: { [definitions.changedChannel]: (workspaceId) => definitions.forget(workspaceId) },
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }
}
