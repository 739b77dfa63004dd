import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { StreamModule } from '../stream/stream.module.js';
import { IngestionController } from './ingestion.controller.js';
import { IngestionService } from './ingestion.service.js';
import { WriteKeyGuard } from './write-key.guard.js';

@Module({
  imports: [AuthModule, StreamModule, ProfilesModule],
  controllers: [IngestionController],
  providers: [IngestionService, WriteKeyGuard],
  exports: [IngestionService],
})
export class IngestionModule {}
