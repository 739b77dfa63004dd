import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { PluginsModule } from '../plugins/plugins.module.js';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { StreamModule } from '../stream/stream.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { ConfigRenderer } from './config-renderer.js';
import { JourneyDefinitions } from './journey-definitions.js';
import { JourneyEntryService } from './journey-entry.service.js';
import { LiveNodeEffects } from './live-node-effects.js';
import { NodeRunner } from './node-runner.js';
import { RunExecutor } from './run-executor.js';
import { RunLauncher } from './run-launcher.js';
import { RunStore } from './run-store.js';
import { JourneySimulator } from './simulation/journey-simulator.js';

/** The journey engine's services; the consumers and processors that drive them run in the worker role (WorkerModule). */
@Module({
  imports: [MessagingModule, StreamModule, ProfilesModule, PluginsModule, TemplatesModule],
  providers: [
    JourneyDefinitions,
    ConfigRenderer,
    RunStore,
    LiveNodeEffects,
    NodeRunner,
    RunExecutor,
    RunLauncher,
    JourneyEntryService,
    JourneySimulator,
  ],
  exports: [JourneyDefinitions, JourneyEntryService, RunExecutor, RunLauncher, RunStore, NodeRunner, ConfigRenderer, JourneySimulator],
})
export class EngineModule {}
