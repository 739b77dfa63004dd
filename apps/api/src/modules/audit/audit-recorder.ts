import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import type { Principal } from '../auth/principal.js';
import { auditedRoute, auditTarget, redacted, resultSummary } from './audit-entry.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type AuditedRequest = Request & { principal?: Principal; auditSkip?: boolean };

/**
 * Writes one audit entry for every change asked of the management API (`/api/*` but sign-in) by
 * a caller it could identify, once the answer has gone: who, the route and its target, the
 * redacted body, the HTTP status (refusals included) and a summary of the answer. Operations that
 * change nothing (previews, simulations, validation) are marked with `@NotAudited()`.
 */
@Injectable()
export class AuditRecorder implements NestMiddleware {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  use(request: AuditedRequest, response: Response, next: NextFunction): void {
    if (!MUTATING.has(request.method) || request.originalUrl.startsWith('/api/auth/')) return next();
    // The time it was asked, not when the entry is written: entries keep the order of the requests.
    const askedAt = preciseNow();
    let result: unknown;
    const json = response.json.bind(response);
    response.json = (body: unknown) => {
      result = body;
      return json(body);
    };
    response.once('finish', () => {
      void this.record(request, response.statusCode, result, askedAt).catch((err) =>
        this.logger.error({ err, method: request.method, url: request.originalUrl }, 'audit entry not written'),
      );
    });
    next();
  }

  private async record(request: AuditedRequest, status: number, result: unknown, askedAt: string): Promise<void> {
    const principal = request.principal;
    const route: unknown = (request.route as { path?: unknown } | undefined)?.path;
    // Unidentified callers (401) and unknown routes (404 before routing) have nothing to attribute.
    if (!principal || typeof route !== 'string' || request.auditSkip) return;
    const { resource, action } = auditedRoute(request.method, route);
    const actorKind = principal.via === 'session' ? 'user' : 'api_key';
    const actorId = principal.via === 'session' ? (principal.userId ?? null) : (principal.apiKeyId ?? null);
    const ok = status < 400;
    await this.dataSource.query(
      `INSERT INTO audit_entries (workspace_id, occurred_at, actor_kind, actor_id, actor_label, method, route, resource, action, target_id, status, changes, result)
       VALUES ($1, $12::timestamptz, $2, $3::uuid,
               COALESCE(CASE WHEN $2 = 'user' THEN (SELECT email FROM users WHERE id = $3::uuid)
                             ELSE (SELECT name FROM api_keys WHERE id = $3::uuid) END, 'unknown'),
               $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb)`,
      [
        principal.workspaceId,
        actorKind,
        actorId,
        request.method,
        route,
        resource,
        action,
        auditTarget(request.params as Record<string, string>, ok ? result : undefined),
        status,
        request.body === undefined || (typeof request.body === 'object' && Object.keys(request.body ?? {}).length === 0)
          ? null
          : JSON.stringify(redacted(request.body)),
        JSON.stringify(resultSummary(result)),
        askedAt,
      ],
    );
  }
}

/** Now, to the microsecond, as an ISO timestamp PostgreSQL keeps exactly. */
function preciseNow(): string {
  const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  return `${iso.slice(0, -1)}${String(micros % 1000).padStart(3, '0')}Z`;
}

/** Marks the request of an operation that changes nothing, so the recorder leaves it out. */
@Injectable()
export class SkipAudit implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    context.switchToHttp().getRequest<AuditedRequest>().auditSkip = true;
    return next.handle();
  }
}
