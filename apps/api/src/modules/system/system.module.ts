import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { SystemController } from './system.controller.js';
import { SystemService } from './system.service.js';

@Module({
  controllers: [SystemController, MetricsController],
  providers: [SystemService],
})
export class SystemModule {}
