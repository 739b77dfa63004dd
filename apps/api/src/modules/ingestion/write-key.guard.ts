import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { UnauthorizedError } from '../../infra/http/errors.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { assertOriginAllowed } from '../auth/browser-origins.js';

export interface WriteKeyRequest extends Request {
  ingestionWorkspaceId?: string;
}

/**
 * Ingestion auth, as Segment's and RudderStack's SDKs send it: the write key as the HTTP Basic
 * user name (empty password), or `writeKey` in the JSON body. A key with allowed origins refuses
 * browsers on other origins.
 */
@Injectable()
export class WriteKeyGuard implements CanActivate {
  constructor(@Inject(ApiKeysService) private readonly apiKeys: ApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WriteKeyRequest>();
    const key = this.writeKeyOf(request);
    if (!key) throw new UnauthorizedError('A write key is required: send it as the HTTP Basic user name, or as writeKey in the body');
    const apiKey = await this.apiKeys.findActive(key, 'write');
    if (!apiKey) throw new UnauthorizedError('The write key is not valid or has been revoked');
    assertOriginAllowed(request, apiKey.allowedOrigins);
    request.ingestionWorkspaceId = apiKey.workspaceId;
    return true;
  }

  private writeKeyOf(request: Request): string | undefined {
    const header = request.headers.authorization;
    const basic = header && /^Basic\s+(\S+)$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
      if (user) return user;
    }
    const body = request.body as { writeKey?: unknown } | undefined;
    return typeof body?.writeKey === 'string' && body.writeKey ? body.writeKey : undefined;
  }
}
