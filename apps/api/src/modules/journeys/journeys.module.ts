import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module.js';
import { PreferencesModule } from '../preferences/preferences.module.js';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { JourneysController, RunsController } from './journeys.controller.js';
import { ProfileRuns } from './profile-runs.js';
import { ProfileRunsController } from './profile-runs.controller.js';
import { SimulationController } from './simulation.controller.js';
import { JourneysService } from './journeys.service.js';

/** Journeys: drafts, validation, published versions, lifecycle, API entry and runs (the engine executes them). */
@Module({
  imports: [EngineModule, TemplatesModule, PreferencesModule, ProfilesModule],
  controllers: [JourneysController, RunsController, SimulationController, ProfileRunsController],
  providers: [JourneysService, ProfileRuns],
  exports: [JourneysService],
})
export class JourneysModule {}
