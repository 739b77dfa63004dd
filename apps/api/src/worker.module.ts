import { Module } from '@nestjs/common';
import { EngineModule } from './modules/engine/engine.module.js';
import { JourneyStreamConsumer } from './modules/engine/journey-stream.consumer.js';
import { JourneyTimers } from './modules/engine/journey-timers.js';
import { JourneyProcessor } from './modules/engine/journey.processor.js';
import { MessagingModule } from './modules/messaging/messaging.module.js';
import { SendRequestProcessor } from './modules/send/send-request.processor.js';
import { SendModule } from './modules/send/send.module.js';
import { StreamModule } from './modules/stream/stream.module.js';
import { WorkerProbeProcessor } from './modules/system/worker-probe.processor.js';

/** Every queue processor and background loop; imported only when ITINERA_ROLE is `worker` or `all`. */
@Module({
  imports: [MessagingModule, SendModule, EngineModule, StreamModule],
  providers: [WorkerProbeProcessor, SendRequestProcessor, JourneyProcessor, JourneyStreamConsumer, JourneyTimers],
})
export class WorkerModule {}
