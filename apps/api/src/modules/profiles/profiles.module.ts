import { Module } from '@nestjs/common';
import { StreamModule } from '../stream/stream.module.js';
import { EventHistory } from './event-history.js';
import { EventsController } from './events.controller.js';
import { IdentityResolver } from './identity-resolver.js';
import { ProfileViews } from './profile-view.js';
import { ProfileWriter } from './profile-writer.js';
import { LiveEventsController } from './live-events.controller.js';
import { ProfilesController } from './profiles.controller.js';
import { ProfilesService } from './profiles.service.js';

/**
 * Owns the profile: its tables (profiles, anonymous ids, contact points, accounts), the read model
 * other modules use (`ProfileViews`), identity resolution for ingestion, trait writes, and the
 * profiles and events API.
 */
@Module({
  imports: [StreamModule],
  controllers: [ProfilesController, EventsController, LiveEventsController],
  providers: [ProfilesService, ProfileViews, ProfileWriter, IdentityResolver, EventHistory],
  exports: [ProfilesService, ProfileViews, ProfileWriter, IdentityResolver, EventHistory],
})
export class ProfilesModule {}
