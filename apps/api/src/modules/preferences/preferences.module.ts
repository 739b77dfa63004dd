import { Module } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config.js';
import { PreferenceLinks } from './preference-links.js';
import { PreferencePagesController } from './preference-pages.controller.js';
import { PreferencePagesService } from './preference-pages.service.js';
import { PreferencesController } from './preferences.controller.js';
import { PreferencesService } from './preferences.service.js';
import { TopicsController } from './topics.controller.js';
import { TopicsService } from './topics.service.js';

@Module({
  controllers: [TopicsController, PreferencesController, PreferencePagesController],
  providers: [
    {
      provide: PreferenceLinks,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new PreferenceLinks(config.encryptionSecret, config.publicUrl),
    },
    TopicsService,
    PreferencesService,
    PreferencePagesService,
  ],
  exports: [PreferencesService, TopicsService, PreferenceLinks],
})
export class PreferencesModule {}
