import { Module } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config.js';
import { AuthModule } from '../auth/auth.module.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { PreferencesModule } from '../preferences/preferences.module.js';
import { InboxAdminController, InboxController } from './inbox.controller.js';
import { InboxGuard } from './inbox.guard.js';
import { InboxService } from './inbox.service.js';
import { InboxTokens } from './inbox-tokens.js';

@Module({
  imports: [AuthModule, MessagingModule, PreferencesModule],
  controllers: [InboxController, InboxAdminController],
  providers: [
    InboxService,
    InboxGuard,
    { provide: InboxTokens, inject: [AppConfig], useFactory: (config: AppConfig) => new InboxTokens(config.encryptionSecret) },
  ],
  exports: [InboxService, InboxTokens],
})
export class InboxModule {}
