import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { StreamModule } from '../stream/stream.module.js';
import { ConfigRenderer } from './config-renderer.js';
import { JourneyDefinitions } from './journey-definitions.js';
import { JourneyEntryService } from './journey-entry.service.js';
import { NodeRunner } from './node-runner.js';
import { RunExecutor } from './run-executor.js';

/** The journey engine's services; the consumers and processors that drive them run in the worker role (WorkerModule). */
@Module({
  imports: [MessagingModule, StreamModule],
  providers: [JourneyDefinitions, ConfigRenderer, NodeRunner, RunExecutor, JourneyEntryService],
  exports: [JourneyDefinitions, JourneyEntryService, RunExecutor, ConfigRenderer],
})
export class EngineModule {}
