import { Module } from '@nestjs/common';
import { EventsController } from '../events/events.controller.js';
import { StreamModule } from '../stream/stream.module.js';
import { ProfilesController } from './profiles.controller.js';
import { ProfilesService } from './profiles.service.js';

@Module({
  imports: [StreamModule],
  controllers: [ProfilesController, EventsController],
  providers: [ProfilesService],
  exports: [ProfilesService],
})
export class ProfilesModule {}
