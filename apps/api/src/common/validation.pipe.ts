import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
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

/**
 * Fields whose text holds a NUL character, which PostgreSQL cannot store in text: refused like
 * any other invalid field instead of failing at the database.
 */
export function nulCharacterFields(value: unknown, prefix = '', depth = 0): FieldError[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [{ field: prefix || 'body', message: 'must not contain a NUL character' }] : [];
  if (value === null || typeof value !== 'object' || depth > 8) return [];
  return Object.entries(value).flatMap(([k, v]) => nulCharacterFields(v, prefix ? `${prefix}.${k}` : k, depth + 1));
}

/** Nest's ValidationPipe, plus the NUL check above (its errors join class-validator's). */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A path or query parameter is named by itself ("id"), a body's fields by their paths.
    const nul = metadata.type === 'custom' ? [] : nulCharacterFields(value, metadata.type === 'body' ? '' : (metadata.data ?? metadata.type));
    if (nul.length === 0) return super.transform(value, metadata);
    let fields = nul;
    try {
      await super.transform(value, metadata);
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      fields = [...(err.fields ?? []), ...nul];
    }
    throw new DomainException('VALIDATION_FAILED', `Invalid request: ${fields.map((f) => f.field).join(', ')}`, fields);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
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
