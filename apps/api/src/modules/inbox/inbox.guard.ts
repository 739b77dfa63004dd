import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../infra/http/errors.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { AuthService } from '../auth/auth.service.js';
import { InboxTokens } from './inbox-tokens.js';

export interface InboxRequest extends Request {
  inboxWorkspaceId?: string;
}

/**
 * Inbox routes take either the workspace's secret key (`Authorization: Bearer itn_sk_…`, from the
 * product's backend, for any user), or — from an end user's browser or app — the public write key
 * (`writeKey` query parameter or HTTP Basic) plus that user's HMAC token (`X-Itinera-User-Token`
 * header or `token` query parameter, for EventSource).
 */
@Injectable()
export class InboxGuard implements CanActivate {
  constructor(
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
      request.inboxWorkspaceId = (await this.auth.fromSecretKey(bearer[1])).workspaceId;
      return true;
    }
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    const writeKey = basic
      ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0]
      : (request.query.writeKey as string | undefined);
    const token = (request.headers['x-itinera-user-token'] as string | undefined) ?? (request.query.token as string | undefined);
    if (!writeKey || !token) {
      throw new UnauthorizedError(
        "Inbox requests need the secret key, or the write key with the user's token (X-Itinera-User-Token or ?token=)",
      );
    }
    const key = typeof writeKey === 'string' ? await this.apiKeys.findActive(writeKey, 'write') : null;
    if (!key) throw new UnauthorizedError('The write key is not valid or has been revoked');
    if (typeof token !== 'string' || !this.tokens.verify(key.workspaceId, userId, token)) {
      throw new ForbiddenError('The user token does not match this user: compute it on your backend with the inbox signing key');
    }
    request.inboxWorkspaceId = key.workspaceId;
    return true;
  }
}
