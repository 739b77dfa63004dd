import { Module } from '@nestjs/common';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { TemplateRenderer } from './template-renderer.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesService } from './templates.service.js';

/** Message templates: drafts, immutable published versions, previews, and the renderer sends use. */
@Module({
  imports: [ProfilesModule],
  controllers: [TemplatesController],
  providers: [TemplatesService, TemplateRenderer],
  exports: [TemplateRenderer, TemplatesService],
})
export class TemplatesModule {}
