import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../../infra/config/app-config.js';
import { RedisClient } from '../../../infra/redis/redis.module.js';

/** Tells live inbox streams (server-sent events, in any API process) that a profile's feed changed. */
@Injectable()
export class InboxPublisher {
  constructor(
    @Inject(RedisClient) private readonly redis: RedisClient,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  channelOf(workspaceId: string, profileId: string): string {
    return `${this.config.REDIS_PREFIX}:inbox:${workspaceId}:${profileId}`;
  }

  async publish(workspaceId: string, profileId: string, messageId: string, change: 'new' | 'updated' = 'new'): Promise<void> {
    await this.redis.publish(this.channelOf(workspaceId, profileId), JSON.stringify({ change, messageId })).catch(() => undefined);
  }
}
