import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { QueryFailedError } from 'typeorm';
import { pgErrorCode } from '../database/pg-error-code.js';
import { type FieldError, ItineraError } from './errors.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: FieldError[];
  requestId?: string;
}

/** body-parser (express.json) failures, by their `type`. */
const BODY_PARSER_ERRORS: Record<string, [number, string]> = {
  'entity.parse.failed': [400, 'Request body is not valid JSON'],
  'entity.too.large': [413, 'Request body is too large'],
  'entity.verify.failed': [400, 'Request body failed verification'],
  'encoding.unsupported': [415, 'Unsupported Content-Encoding'],
  'charset.unsupported': [415, 'Unsupported charset'],
  'request.aborted': [400, 'Request was aborted by the client'],
  'request.size.invalid': [400, 'Request size did not match Content-Length'],
};

/** PostgreSQL errors that can only come from what the caller sent. */
const USER_DATA_PG_ERRORS: Record<string, [number, string]> = {
  '23505': [409, 'A record with the same unique value already exists'],
  '22P02': [400, 'A value has an invalid format'],
  '22007': [400, 'A date or time value has an invalid format'],
  '22008': [400, 'A date or time value is out of range'],
  '22003': [400, 'A number is out of range'],
  '22001': [400, 'A value is too long'],
  '23502': [400, 'A required value is missing'],
  '23514': [400, 'A value is not allowed'],
};

/** The one place errors become HTTP answers: always JSON, never a 500 for a caller's mistake. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const body = this.toBody(exception);
    body.requestId = request.id;
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, reqId: request.id }, 'unhandled error');
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    // Express's adapter wraps body-parser errors in an HttpException with the original as `cause`.
    const parserError = (exception instanceof HttpException ? exception.cause : exception) as
      { type?: string; message?: string } | undefined;
    if (parserError?.type && BODY_PARSER_ERRORS[parserError.type]) {
      const [status, message] = BODY_PARSER_ERRORS[parserError.type];
      const detail = parserError.type === 'entity.parse.failed' && parserError.message ? `: ${parserError.message}` : '';
      return { statusCode: status, error: reasonPhrase(status), message: `${message}${detail}` };
    }
    if (exception instanceof ItineraError) {
      return { statusCode: exception.status, error: reasonPhrase(exception.status), message: exception.message, errors: exception.details };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const fromPayload = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
      const message = Array.isArray(fromPayload.message)
        ? fromPayload.message.join('; ')
        : String(fromPayload.message ?? (typeof payload === 'string' ? payload : exception.message));
      return {
        statusCode: status,
        error: reasonPhrase(status),
        message,
        errors: fromPayload.errors as FieldError[] | undefined,
      };
    }
    if (exception instanceof QueryFailedError) {
      const code = pgErrorCode(exception);
      const known = code ? USER_DATA_PG_ERRORS[code] : undefined;
      if (known) return { statusCode: known[0], error: reasonPhrase(known[0]), message: known[1] };
    }
    if (isUnavailable(exception)) {
      return { statusCode: 503, error: 'Service Unavailable', message: 'The database or queue is not reachable right now; retry shortly' };
    }
    return {
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Something went wrong on our side; the request id identifies it in the server logs',
    };
  }
}

/** A dependency that went away (PostgreSQL restarting, a dropped connection): the client should retry. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '53300',
]);

function isUnavailable(exception: unknown): boolean {
  const code = pgErrorCode(exception);
  const message = (exception as { message?: string } | undefined)?.message ?? '';
  return (
    (code !== undefined && UNAVAILABLE_CODES.has(code)) ||
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/.test(message)
  );
}

function reasonPhrase(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  if (!name) return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}
