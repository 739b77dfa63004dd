import { Module } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config.js';
import { PluginsModule } from '../plugins/plugins.module.js';
import { PreferencesModule } from '../preferences/preferences.module.js';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { DeliveryService } from './delivery/delivery.service.js';
import { InboxPublisher } from './delivery/inbox-publisher.js';
import { MessageStore } from './delivery/message-store.js';
import { TestSendController } from './delivery/test-send.controller.js';
import { MessagesController } from './message-log/messages.controller.js';
import { MessagesService } from './message-log/messages.service.js';
import { TrackingController } from './provider-events/tracking.controller.js';
import { TrackingLinks } from './provider-events/tracking-links.js';
import { WebhooksController } from './provider-events/webhooks.controller.js';

/**
 * Messages: the delivery pipeline every message goes through (`delivery/`), the message log
 * (`message-log/`), and what providers and recipients report back (`provider-events/`). See README.md.
 */
@Module({
  imports: [TemplatesModule, PreferencesModule, SettingsModule, ProfilesModule, PluginsModule],
  controllers: [TestSendController, MessagesController, WebhooksController, TrackingController],
  providers: [
    MessageStore,
    MessagesService,
    DeliveryService,
    InboxPublisher,
    {
      provide: TrackingLinks,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new TrackingLinks(config.encryptionSecret, config.publicUrl),
    },
  ],
  exports: [DeliveryService, MessageStore, InboxPublisher],
})
export class MessagingModule {}
