import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal } from './principal.js';
import type { WorkspaceRole } from './roles.js';

export const PUBLIC_ROUTE = 'itinera:public';
export const REQUIRED_ROLE = 'itinera:required-role';

/** No secret key or session needed (health, metrics, login, and routes with their own auth). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The least role a route needs. Without it, reads (GET/HEAD) need `viewer` and every other
 * method needs `editor`.
 */
export const RequireRole = (role: WorkspaceRole) => SetMetadata(REQUIRED_ROLE, role);

/** The authenticated caller; only on routes behind AuthGuard. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!request.principal) throw new Error('@Caller() used on a public route');
  return request.principal;
});
