import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../infra/http/errors.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { assertRole, requiredRole } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { assertOriginAllowed } from '../auth/browser-origins.js';
import { InboxTokens } from './inbox-tokens.js';

export interface InboxRequest extends Request {
  inboxWorkspaceId?: string;
}

const queryString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Inbox routes take either the workspace's secret key (`Authorization: Bearer itn_sk_…`, from the
 * product's backend, for any user; its role rules apply as on /api: reads need viewer, changes
 * editor), or — from an end user's browser or app — the public write key (`writeKey` query
 * parameter or HTTP Basic) plus that user's HMAC token (`X-Itinera-User-Token` header or `token`
 * query parameter, for EventSource), which lets that user read and change their own feed.
 */
@Injectable()
export class InboxGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(ApiKeysService) private readonly apiKeys: ApiKeysService,
    @Inject(InboxTokens) private readonly tokens: InboxTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<InboxRequest>();
    const userId = String(request.params.userId);
    const header = request.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer) {
      const principal = await this.auth.fromSecretKey(bearer[1]);
      assertRole(principal, requiredRole(this.reflector, context));
      request.inboxWorkspaceId = principal.workspaceId;
      return true;
    }
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    const writeKey = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] : queryString(request.query.writeKey);
    const token = queryString(request.headers['x-itinera-user-token']) ?? queryString(request.query.token);
    if (!writeKey || !token) {
      throw new UnauthorizedError(
        "Inbox requests need the secret key, or the write key with the user's token (X-Itinera-User-Token or ?token=)",
      );
    }
    const key = await this.apiKeys.findActive(writeKey, 'write');
    if (!key) throw new UnauthorizedError('The write key is not valid or has been revoked');
    assertOriginAllowed(request, key.allowedOrigins);
    if (!this.tokens.verify(key.workspaceId, userId, token)) {
      throw new ForbiddenError('The user token does not match this user: compute it on your backend with the inbox signing key');
    }
    request.inboxWorkspaceId = key.workspaceId;
    return true;
  }
}
