import { Global, Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module.js';
import { JOURNEY_INVOKER } from '../messaging/delivery-ports.js';
import { PreferencesModule } from '../preferences/preferences.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { JourneysController, RunsController } from './journeys.controller.js';
import { JourneysService } from './journeys.service.js';

/** Global so that `/send` (messaging) can start journeys through JOURNEY_INVOKER without a module cycle. */
@Global()
@Module({
  imports: [EngineModule, TemplatesModule, PreferencesModule],
  controllers: [JourneysController, RunsController],
  providers: [JourneysService, { provide: JOURNEY_INVOKER, useExisting: JourneysService }],
  exports: [JourneysService, JOURNEY_INVOKER],
})
export class JourneysModule {}
