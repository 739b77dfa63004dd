import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { redisOptionsFromUrl } from './redis-options.js';

/** The process's general-purpose Redis connection (BullMQ opens its own). */
export class RedisClient extends Redis {}

@Global()
@Module({
  providers: [
    {
      provide: RedisClient,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new RedisClient({ ...redisOptionsFromUrl(config.REDIS_URL), maxRetriesPerRequest: 2, lazyConnect: false }),
    },
  ],
  exports: [RedisClient],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(RedisClient) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
