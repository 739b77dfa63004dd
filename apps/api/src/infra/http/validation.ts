import { type ArgumentMetadata, ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { type FieldError, NotFoundError, ValidationError } from './errors.js';
import { findInputProblem, type JsonLimits } from './input-rules.js';

/** Problems listed in one answer; the message counts the rest. */
export const MAX_REPORTED_PROBLEMS = 20;

/** Path and query parameters: flat strings (`a[b]=c` style nesting is not parsed by Express 5). */
const PARAMETER_LIMITS: JsonLimits = { maxDepth: 4, maxArrayLength: 100 };

/** Flattens class-validator's nested errors to one entry per field path (`channels.0.name`). */
export function toFieldErrors(errors: ClassValidatorError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints
      ? [
          {
            field,
            messages: Object.values(error.constraints).map((m) => m.replace(/^property (\S+) should not exist$/, 'is not a known field')),
          },
        ]
      : [];
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/** A 400 listing at most MAX_REPORTED_PROBLEMS field errors, so its size does not grow with the input. */
export class InvalidRequestError extends ValidationError {
  constructor(readonly allDetails: FieldError[]) {
    const shown = allDetails.slice(0, MAX_REPORTED_PROBLEMS);
    const more = allDetails.length - shown.length;
    const summary = shown.map((d) => `${d.field}: ${d.messages.join(', ')}`).join('; ');
    super(`Invalid request: ${summary}${more > 0 ? `; and ${more} more problems` : ''}`, shown);
  }
}

export function invalidRequest(details: FieldError[]): InvalidRequestError {
  return new InvalidRequestError(details);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The one validation pipe: unknown fields rejected, types enforced, field-level messages. Before
 * class-transformer walks anything it checks what is cheap to check: path and query parameters
 * hold storable text, a DTO body is an object, and its top-level fields are known (unknown ones
 * are reported without walking their values). The body's depth, array lengths and text were
 * bounded by the body parser already.
 */
export class RequestValidationPipe extends ValidationPipe {
  private readonly knownFields = new WeakMap<object, Set<string>>();

  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => invalidRequest(toFieldErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param' || metadata.type === 'query') {
      const problem = findInputProblem(value, PARAMETER_LIMITS, metadata.data ?? '');
      if (problem) {
        const details = [
          { field: problem.field === 'body' ? (metadata.data ?? metadata.type) : problem.field, messages: [problem.message] },
        ];
        // A path naming something that cannot be stored names nothing that exists, as other unknown ids do.
        if (metadata.type === 'param') {
          throw new NotFoundError(`Nothing exists at this path: ${details[0].field} ${problem.message}`, details);
        }
        throw invalidRequest(details);
      }
    }
    if (!metadata.metatype || !this.toValidate(metadata) || value === undefined || value === null) return super.transform(value, metadata);
    if (!isPlainObject(value)) {
      const what = metadata.type === 'body' ? 'Request body' : `The ${metadata.type}`;
      throw new ValidationError(`${what} must be a JSON object`, [
        { field: metadata.data ?? metadata.type, messages: ['must be a JSON object'] },
      ]);
    }
    const known = this.fieldsOf(metadata.metatype);
    const unknown = Object.keys(value).filter((key) => !known.has(key));
    if (unknown.length === 0) return super.transform(value, metadata);
    const unknownErrors = unknown.map((field) => ({ field, messages: ['is not a known field'] }));
    const rest = Object.fromEntries(Object.entries(value).filter(([key]) => known.has(key)));
    try {
      await super.transform(rest, metadata);
    } catch (error) {
      if (error instanceof InvalidRequestError) throw invalidRequest([...error.allDetails, ...unknownErrors]);
      throw error;
    }
    throw invalidRequest(unknownErrors);
  }

  /** Properties with at least one class-validator decorator: the ones `whitelist` keeps. */
  private fieldsOf(metatype: object): Set<string> {
    let fields = this.knownFields.get(metatype);
    if (!fields) {
      const metadatas = getMetadataStorage().getTargetValidationMetadatas(metatype as new () => unknown, '', true, false);
      fields = new Set(metadatas.map((m) => m.propertyName));
      this.knownFields.set(metatype, fields);
    }
    return fields;
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe();
}
