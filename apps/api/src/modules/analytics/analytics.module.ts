import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module.js';
import { JourneysModule } from '../journeys/journeys.module.js';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsRollup } from './analytics-rollup.js';
import { AnalyticsService } from './analytics.service.js';

/**
 * Journey analytics: the aggregates (`journey_stats`, folded from `journey_stat_deltas` by
 * AnalyticsRollup in the worker role) and the analytics API. See README.md.
 */
@Module({
  imports: [JourneysModule, EngineModule],
  controllers: [AnalyticsController],
  providers: [AnalyticsService, AnalyticsRollup],
  exports: [AnalyticsRollup],
})
export class AnalyticsModule {}
