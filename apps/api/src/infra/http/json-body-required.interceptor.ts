import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { UnsupportedMediaTypeError } from './errors.js';

/** Whether the request carries body bytes (chunked, or a non-zero Content-Length). */
function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

/**
 * A route that takes a `@Body()` answers 415 to a body no parser read (a `text/plain` or form
 * body where JSON is expected): it would otherwise see an empty body and change nothing. Routes
 * that read the request themselves (imports, hosted pages) take no `@Body()` and are unaffected;
 * /v1 parses every content type as JSON, as Segment does.
 */
@Injectable()
export class JsonBodyRequiredInterceptor implements NestInterceptor {
  private readonly takesBody = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<Request>();
      // A parser that read the body consumed the request stream.
      if (!request.readableEnded && hasBody(request) && this.routeTakesBody(context)) {
        const type = request.headers['content-type'] ?? 'none';
        throw new UnsupportedMediaTypeError(
          `Send the body as JSON (Content-Type: application/json); got Content-Type: ${type.slice(0, 100)}`,
        );
      }
    }
    return next.handle();
  }

  private routeTakesBody(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let takes = this.takesBody.get(handler);
    if (takes === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>;
      takes = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY));
      this.takesBody.set(handler, takes);
    }
    return takes;
  }
}
