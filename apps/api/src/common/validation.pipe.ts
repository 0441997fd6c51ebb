import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from '@cgi/shared';
import { DomainException } from './domain.exception';

/** Flattens class-validator's nested errors into dotted field paths ("location.lat"). */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) {
      out.push({ field, message: message.replace(/^property /, '') });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      return new DomainException('VALIDATION_FAILED', `Invalid request: ${fields.map((f) => f.field).join(', ')}`, fields);
    },
  });
}
