import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module.js';
import { JourneysModule } from '../journeys/journeys.module.js';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { BacktestRunner } from './backtest-runner.js';
import { BacktestsController } from './backtests.controller.js';
import { BacktestsService } from './backtests.service.js';

/** Back-testing journeys on stored events (see README.md); the runner works in the worker role. */
@Module({
  imports: [JourneysModule, EngineModule, ProfilesModule],
  controllers: [BacktestsController],
  providers: [BacktestsService, BacktestRunner],
  exports: [BacktestRunner],
})
export class BacktestsModule {}
