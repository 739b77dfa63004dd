import { Module } from '@nestjs/common';
import { DeliveryProcessor } from './modules/messaging/delivery.processor.js';
import { MessagingModule } from './modules/messaging/messaging.module.js';
import { WorkerProbeProcessor } from './modules/system/worker-probe.processor.js';

/** Every queue processor; imported only when ITINERA_ROLE is `worker` or `all`. */
@Module({ imports: [MessagingModule], providers: [WorkerProbeProcessor, DeliveryProcessor] })
export class WorkerModule {}
