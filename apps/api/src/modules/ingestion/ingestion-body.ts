import type { NextFunction, Request, Response } from 'express';
import { jsonBodyParser } from '../../infra/http/json-body.js';
import { LIMITS } from './segment-event.js';

/**
 * Body parsing for /v1: any content type is read as JSON (some SDKs send text/plain), gzip and
 * deflate are inflated (RudderStack compresses by default), and the 500 KB batch limit applies to
 * the inflated body. Depth and array bounds are far above what valid events can reach (a deeper
 * event is rejected on its own, by index, with its batch stored); text is checked event by event.
 * Segment answers every bad body with 400, so do we.
 */
export function ingestionBodyParser() {
  const parse = jsonBodyParser({
    limit: LIMITS.batchBytes,
    type: () => true,
    structure: { maxDepth: LIMITS.bodyDepth, maxArrayLength: LIMITS.bodyArrayLength },
    checkText: false,
    acceptScalars: true,
  });
  return [
    parse,
    (error: { type?: string; status?: number; message?: string }, req: Request & { id?: string }, res: Response, next: NextFunction) => {
      if (!error) return next();
      const message =
        error.type === 'entity.too.large'
          ? `Request body is larger than ${LIMITS.batchBytes / 1024} KB; send smaller batches`
          : error.type === 'entity.parse.failed'
            ? `Request body is not valid JSON: ${error.message?.slice(0, 200)}`
            : error.type === 'entity.too.deep' || error.type === 'entity.too.wide'
              ? (error.message ?? 'Request body is not a batch of events')
              : error.type === 'encoding.unsupported'
                ? 'Unsupported Content-Encoding: send gzip, deflate or none'
                : `Request body could not be read: ${error.message ?? 'invalid body'} (check Content-Encoding and Content-Length)`;
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message, requestId: req.id });
    },
  ];
}
