import { BadRequestException, ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import type { FieldError } from './errors.js';

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

/** The one validation pipe: unknown fields rejected, types enforced, field-level messages. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = toFieldErrors(errors);
      const summary = details.map((d) => `${d.field}: ${d.messages.join(', ')}`).join('; ');
      return new BadRequestException({ message: `Invalid request: ${summary}`, errors: details });
    },
  });
}
