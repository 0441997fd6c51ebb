import { Param, ParseUUIDPipe } from '@nestjs/common';
import { DomainException } from './domain.exception';

/** A path parameter that must be a UUID (v4): otherwise 400 naming the parameter. */
export const UuidParam = (name: string): ParameterDecorator =>
  Param(
    name,
    new ParseUUIDPipe({
      version: '4',
      exceptionFactory: () => new DomainException('VALIDATION_FAILED', `Invalid request: ${name}`, [{ field: name, message: 'must be a UUID' }]),
    }),
  );
