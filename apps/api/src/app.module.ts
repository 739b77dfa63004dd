import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { AppConfig } from './infra/config/app-config.js';
import { ConfigModule } from './infra/config/config.module.js';
import { CryptoModule } from './infra/crypto/crypto.module.js';
import { ENTITIES } from './entities.js';
import { dataSourceOptions } from './infra/database/data-source.js';
import { LoggingModule } from './infra/logging/logging.module.js';
import type { Metrics } from './infra/metrics/metrics.js';
import { MetricsModule } from './infra/metrics/metrics.module.js';
import { QueueModule } from './infra/queue/queue.module.js';
import { RedisModule } from './infra/redis/redis.module.js';
import { CacheModule } from './infra/cache/cache.module.js';
import { AnalyticsModule } from './modules/analytics/analytics.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { BacktestsModule } from './modules/backtests/backtests.module.js';
import { BootstrapModule } from './modules/bootstrap/bootstrap.module.js';
import { InboxModule } from './modules/inbox/inbox.module.js';
import { IngestionModule } from './modules/ingestion/ingestion.module.js';
import { JourneysModule } from './modules/journeys/journeys.module.js';
import { MessagingModule } from './modules/messaging/messaging.module.js';
import { PluginsModule } from './modules/plugins/plugins.module.js';
import { PreferencesModule } from './modules/preferences/preferences.module.js';
import { ProfilesModule } from './modules/profiles/profiles.module.js';
import { SendModule } from './modules/send/send.module.js';
import { SettingsModule } from './modules/settings/settings.module.js';
import { SystemModule } from './modules/system/system.module.js';
import { TemplatesModule } from './modules/templates/templates.module.js';
import { WorkerModule } from './worker.module.js';
import { WorkspacesModule } from './modules/workspaces/workspaces.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
}

/** The whole core. Queue processors are only registered in the worker role. */
@Module({})
export class AppModule {
  static forRoot({ config, logger, metrics }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        MetricsModule.forRoot(metrics),
        CryptoModule,
        TypeOrmModule.forRoot(dataSourceOptions(config.DATABASE_URL, ENTITIES)),
        RedisModule,
        CacheModule,
        QueueModule.forRoot(),
        WorkspacesModule,
        AuthModule,
        BootstrapModule,
        SystemModule,
        IngestionModule,
        ProfilesModule,
        PluginsModule,
        TemplatesModule,
        PreferencesModule,
        SettingsModule,
        MessagingModule,
        InboxModule,
        JourneysModule,
        SendModule,
        AnalyticsModule,
        BacktestsModule,
        AuditModule,
        ...(config.runsWorker ? [WorkerModule] : []),
      ],
    };
  }
}
