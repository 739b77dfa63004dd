import { Module } from '@nestjs/common';
import { EngineModule } from './modules/engine/engine.module.js';
import { JourneyStreamConsumer } from './modules/engine/journey-stream.consumer.js';
import { JourneyTimers } from './modules/engine/journey-timers.js';
import { JourneyProcessor } from './modules/engine/journey.processor.js';
import { DeliveryProcessor } from './modules/messaging/delivery.processor.js';
import { MessagingModule } from './modules/messaging/messaging.module.js';
import { StreamModule } from './modules/stream/stream.module.js';
import { WorkerProbeProcessor } from './modules/system/worker-probe.processor.js';

/** Every queue processor and background loop; imported only when ITINERA_ROLE is `worker` or `all`. */
@Module({
  imports: [MessagingModule, EngineModule, StreamModule],
  providers: [WorkerProbeProcessor, DeliveryProcessor, JourneyProcessor, JourneyStreamConsumer, JourneyTimers],
})
export class WorkerModule {}
