import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../infra/http/errors.js';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { type Principal, SESSION_COOKIE } from './principal.js';
import { roleSatisfies, type WorkspaceRole } from './roles.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The least role a route needs: its @RequireRole, else viewer for reads and editor for writes. */
export function requiredRole(reflector: Reflector, context: ExecutionContext): WorkspaceRole {
  const method = context.switchToHttp().getRequest<Request>().method;
  return (
    reflector.getAllAndOverride<WorkspaceRole>(REQUIRED_ROLE, [context.getHandler(), context.getClass()]) ??
    (READ_METHODS.has(method) ? 'viewer' : 'editor')
  );
}

export function assertRole(principal: Principal, needed: WorkspaceRole): void {
  if (!roleSatisfies(principal.role, needed)) throw new ForbiddenError(`This needs the ${needed} role; the caller has ${principal.role}`);
}

/**
 * Global guard: every route needs a secret key (`Authorization: Bearer itn_sk_…`) or an admin
 * session cookie, unless marked @Public(). Then the caller's role must satisfy the route's.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = await this.authenticate(request);
    // Known before the role check: a refused change is still attributed in the audit log.
    request.principal = principal;
    assertRole(principal, requiredRole(this.reflector, context));
    return true;
  }

  private async authenticate(request: Request): Promise<Principal> {
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new UnauthorizedError('Authorization header must be "Bearer <secret API key>"');
      return this.auth.fromSecretKey(match[1]);
    }
    const token = (request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (token) return this.auth.fromSessionToken(token);
    throw new UnauthorizedError('Authentication required: send "Authorization: Bearer <secret API key>" or sign in');
  }
}
