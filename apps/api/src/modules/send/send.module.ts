import { Module } from '@nestjs/common';
import { JourneysModule } from '../journeys/journeys.module.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { PreferencesModule } from '../preferences/preferences.module.js';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { SendController } from './send.controller.js';
import { SendRequestsService } from './send-requests.service.js';

/**
 * `POST /send` (Courier's shape): sits above journeys and the delivery pipeline, since a send
 * names either a template (delivered by messaging) or a journey (entered through journeys). Its
 * queue processor, `SendRequestProcessor`, runs in the worker role (WorkerModule).
 */
@Module({
  imports: [MessagingModule, JourneysModule, TemplatesModule, PreferencesModule, ProfilesModule],
  controllers: [SendController],
  providers: [SendRequestsService],
  exports: [SendRequestsService],
})
export class SendModule {}
