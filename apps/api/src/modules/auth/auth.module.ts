import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WorkspacesModule } from '../workspaces/workspaces.module.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { LoginLimiter } from './login-limiter.js';
import { MembersController } from './members.controller.js';
import { MembershipEntity } from './membership.entity.js';
import { SessionEntity } from './session.entity.js';
import { SessionsService } from './sessions.service.js';
import { UserEntity } from './user.entity.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity, UserEntity, MembershipEntity, SessionEntity]), WorkspacesModule],
  controllers: [AuthController, ApiKeysController, MembersController],
  providers: [ApiKeysService, UsersService, SessionsService, LoginLimiter, AuthService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiKeysService, UsersService, AuthService],
})
export class AuthModule {}
