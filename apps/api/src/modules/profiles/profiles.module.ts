import { Module } from '@nestjs/common';
import { EventsController } from '../events/events.controller.js';
import { StreamModule } from '../stream/stream.module.js';
import { LiveEventsController } from './live-events.controller.js';
import { ProfileRuns } from './profile-runs.js';
import { ProfileRunsController } from './profile-runs.controller.js';
import { ProfilesController } from './profiles.controller.js';
import { ProfilesService } from './profiles.service.js';

@Module({
  imports: [StreamModule],
  controllers: [ProfilesController, EventsController, ProfileRunsController, LiveEventsController],
  providers: [ProfilesService, ProfileRuns],
  exports: [ProfilesService],
})
export class ProfilesModule {}
