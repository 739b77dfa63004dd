import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { assertJsonStructure, findInputProblem, type JsonLimits } from './input-rules.js';
import { ValidationError } from './errors.js';

export interface JsonBodyOptions {
  /** Largest body, after inflating (body-parser's `limit`: `1mb`, or bytes). */
  limit: string | number;
  /** Which requests are parsed (default: JSON media types). */
  type?: string[] | ((req: IncomingMessage) => boolean);
  /** Bounds checked on the raw bytes before parsing. */
  structure: JsonLimits;
  /**
   * Whether strings are checked for unstorable text after parsing (400 naming the field).
   * Ingestion leaves it to its per-event validation, so one bad event does not sink its batch.
   */
  checkText: boolean;
  /** Top-level JSON values other than objects and arrays (body-parser's `strict: false`). */
  acceptScalars?: boolean;
}

/**
 * The JSON body parser: body-parser's `json` (size limit applied after inflating gzip/deflate),
 * with nesting depth and array lengths bounded on the raw bytes before the parse, and every
 * string checked for text PostgreSQL cannot store once parsed. Errors carry body-parser's `type`
 * (`entity.too.deep`, `entity.too.wide`, `entity.parse.failed`, …), which ApiExceptionFilter
 * turns into a short 4xx that never echoes the body.
 */
export function jsonBodyParser(options: JsonBodyOptions): RequestHandler {
  const parse = express.json({
    limit: options.limit,
    type: options.type ?? ['application/json', 'application/*+json'],
    strict: !options.acceptScalars,
    verify: (_req, _res, buffer) => assertJsonStructure(buffer, options.structure),
  });
  const parseAndCheck = (req: Request, res: Response, next: NextFunction) => {
    // Read by an earlier parser (/v1, /webhooks): body-parser skips it too.
    if (req.readableEnded) return next();
    parse(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (!options.checkText || !req.readableEnded) return next();
      const problem = findInputProblem(req.body, options.structure);
      if (!problem) return next();
      next(
        new ValidationError(`Invalid request: ${problem.field} ${problem.message}`, [
          { field: problem.field, messages: [problem.message] },
        ]),
      );
    });
  };
  return parseAndCheck;
}
