import { Module } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config.js';
import { PreferencesModule } from '../preferences/preferences.module.js';
import { PreferencesService } from '../preferences/preferences.service.js';
import { nextAllowedSendTime, zoneFor } from '../settings/quiet-hours.js';
import { SettingsModule } from '../settings/settings.module.js';
import { SettingsService } from '../settings/settings.service.js';
import { TemplateRenderer } from '../templates/template-renderer.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { DELIVERY_SETTINGS, PREFERENCES, type SettingsPort, TEMPLATE_RENDERER } from './delivery-ports.js';
import { DeliveryService } from './delivery.service.js';
import { InboxPublisher } from './inbox-publisher.js';
import { MessageStore } from './message-store.js';
import { MessagesService } from './messages.service.js';
import { MessagingController } from './messaging.controller.js';
import { SendRequestsService } from './send-requests.service.js';
import { TrackingController } from './tracking.controller.js';
import { TrackingLinks } from './tracking-links.js';
import { WebhooksController } from './webhooks.controller.js';

@Module({
  imports: [TemplatesModule, PreferencesModule, SettingsModule],
  controllers: [MessagingController, WebhooksController, TrackingController],
  providers: [
    MessageStore,
    MessagesService,
    DeliveryService,
    SendRequestsService,
    InboxPublisher,
    {
      provide: TrackingLinks,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new TrackingLinks(config.encryptionSecret, config.publicUrl),
    },
    { provide: TEMPLATE_RENDERER, useExisting: TemplateRenderer },
    { provide: PREFERENCES, useExisting: PreferencesService },
    {
      provide: DELIVERY_SETTINGS,
      inject: [SettingsService],
      useFactory: (settings: SettingsService): SettingsPort => ({
        get: (workspaceId) => settings.get(workspaceId),
        nextAllowedSendTime,
        zoneFor,
      }),
    },
  ],
  exports: [DeliveryService, MessageStore, InboxPublisher, SendRequestsService],
})
export class MessagingModule {}
