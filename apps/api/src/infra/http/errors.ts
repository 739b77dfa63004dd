/** Typed errors raised by services; ApiExceptionFilter maps each to its HTTP answer, once. */
export interface FieldError {
  field: string;
  messages: string[];
}

export abstract class ItineraError extends Error {
  abstract readonly status: number;
  constructor(
    message: string,
    readonly details?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends ItineraError {
  readonly status = 400;
}
export class UnauthorizedError extends ItineraError {
  readonly status = 401;
}
export class ForbiddenError extends ItineraError {
  readonly status = 403;
}
export class NotFoundError extends ItineraError {
  readonly status = 404;
}
export class ConflictError extends ItineraError {
  readonly status = 409;
}
export class UnprocessableError extends ItineraError {
  readonly status = 422;
}
