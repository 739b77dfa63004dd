import { ApiKeyEntity } from './modules/auth/api-key.entity.js';
import { MembershipEntity } from './modules/auth/membership.entity.js';
import { SessionEntity } from './modules/auth/session.entity.js';
import { UserEntity } from './modules/auth/user.entity.js';
import { WorkspaceEntity } from './modules/workspaces/workspace.entity.js';

/** Every TypeORM entity, listed explicitly (ESM builds have no glob loading). */
export const ENTITIES = [WorkspaceEntity, UserEntity, MembershipEntity, ApiKeyEntity, SessionEntity];
