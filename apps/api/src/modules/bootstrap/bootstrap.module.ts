import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { WorkspacesModule } from '../workspaces/workspaces.module.js';
import { BootstrapService } from './bootstrap.service.js';

@Module({ imports: [AuthModule, WorkspacesModule, IngestionModule], providers: [BootstrapService], exports: [BootstrapService] })
export class BootstrapModule {}
