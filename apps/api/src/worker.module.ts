import { Module } from '@nestjs/common';
import { WorkerProbeProcessor } from './modules/system/worker-probe.processor.js';

/** Every queue processor; imported only when ITINERA_ROLE is `worker` or `all`. */
@Module({ providers: [WorkerProbeProcessor] })
export class WorkerModule {}
