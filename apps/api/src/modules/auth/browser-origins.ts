import type { Request } from 'express';
import { ForbiddenError } from '../../infra/http/errors.js';

/** `scheme://host[:port]`, the host possibly `*.`-prefixed for its sub-domains. */
export const ORIGIN_PATTERN = /^https?:\/\/(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$|^https?:\/\/\[[0-9a-f:.]+\](:\d{1,5})?$/;
export const MAX_ALLOWED_ORIGINS = 50;

/** Whether a browser's `Origin` is one of `allowed` (exact, or a sub-domain of a `*.` entry with the same scheme and port). */
export function originMatches(origin: string, allowed: readonly string[]): boolean {
  const given = origin.toLowerCase();
  return allowed.some((entry) => {
    const wildcard = /^(https?:\/\/)\*\.(.+)$/.exec(entry);
    if (!wildcard) return entry === given;
    const [, scheme, rest] = wildcard;
    return (
      given.startsWith(scheme) &&
      given.endsWith(`.${rest}`) &&
      given.length > scheme.length + rest.length + 1 &&
      !given.slice(scheme.length, -rest.length - 1).includes('/')
    );
  });
}

/**
 * Write keys with allowed origins refuse browser requests from any other origin (a request with
 * no `Origin` header comes from a server and is not affected). Preflights cannot be narrowed
 * this way (they carry no key), so the refusal comes on the request itself.
 */
export function assertOriginAllowed(request: Request, allowedOrigins: readonly string[] | null): void {
  const origin = request.headers.origin;
  if (!origin || !allowedOrigins || allowedOrigins.length === 0) return;
  if (!originMatches(origin, allowedOrigins)) {
    throw new ForbiddenError(`Origin ${origin.slice(0, 200)} is not allowed for this write key; add it to the key's allowedOrigins`);
  }
}
