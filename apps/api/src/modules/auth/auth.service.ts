import { Inject, Injectable } from '@nestjs/common';
import { UnauthorizedError } from '../../infra/http/errors.js';
import { WorkspacesService } from '../workspaces/workspaces.service.js';
import { ApiKeysService } from './api-keys.service.js';
import { decoyPasswordHash, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import type { WorkspaceRole } from './roles.js';
import { LoginLimiter } from './login-limiter.js';
import { keyKind } from './secret-tokens.js';
import { SessionsService } from './sessions.service.js';
import { UsersService } from './users.service.js';

export interface Identity {
  user: { id: string; email: string } | null;
  workspace: { id: string; name: string };
  role: WorkspaceRole;
  via: Principal['via'];
}

/** Turns credentials (secret key, session token, e-mail and password) into a Principal. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(ApiKeysService) private readonly apiKeys: ApiKeysService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(WorkspacesService) private readonly workspaces: WorkspacesService,
    @Inject(LoginLimiter) private readonly limiter: LoginLimiter,
  ) {}

  async fromSecretKey(key: string): Promise<Principal> {
    if (keyKind(key) === 'write') {
      throw new UnauthorizedError('A write key only authorises ingestion (/v1); use a secret API key for /api');
    }
    const apiKey = await this.apiKeys.findActive(key, 'secret');
    if (!apiKey) throw new UnauthorizedError('The API key is not valid or has been revoked');
    return { workspaceId: apiKey.workspaceId, role: apiKey.role!, via: 'api_key', apiKeyId: apiKey.id };
  }

  async fromSessionToken(token: string): Promise<Principal> {
    const session = await this.sessions.findActive(token);
    const membership = session && (await this.users.membership(session.workspaceId, session.userId));
    if (!session || !membership) throw new UnauthorizedError('Your session has expired; sign in again');
    return { workspaceId: session.workspaceId, role: membership.role, via: 'session', userId: session.userId, sessionId: session.id };
  }

  /** Signs in, within the sign-in limits of the e-mail and the client address (429 beyond them). */
  async login(email: string, password: string, clientAddress?: string): Promise<{ token: string; principal: Principal }> {
    await this.limiter.reserve(email, clientAddress);
    // Unknown e-mails are checked against a decoy hash: both cases take the same time.
    const user = await this.users.findByEmail(email);
    const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
    const membership = user && valid ? await this.users.firstMembership(user.id) : null;
    if (!user || !valid) throw new UnauthorizedError('E-mail or password is incorrect');
    if (!membership) throw new UnauthorizedError('This account is not a member of any workspace; ask an owner to add you');
    await this.limiter.succeeded(email);
    const { token, session } = await this.sessions.open(user.id, membership.workspaceId);
    return {
      token,
      principal: { workspaceId: membership.workspaceId, role: membership.role, via: 'session', userId: user.id, sessionId: session.id },
    };
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.sessionId) await this.sessions.close(principal.sessionId);
  }

  async identity(principal: Principal): Promise<Identity> {
    const workspace = await this.workspaces.get(principal.workspaceId);
    const user = principal.userId ? await this.users.findById(principal.userId) : null;
    return {
      user: user && { id: user.id, email: user.email },
      workspace: { id: workspace.id, name: workspace.name },
      role: principal.role,
      via: principal.via,
    };
  }
}
