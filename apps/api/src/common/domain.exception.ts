import type { ErrorCode, FieldError } from '@cgi/shared';

/** An error the API answers with a code of the one error shape (docs/api.md). */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    readonly current?: { status: string; version: number },
  ) {
    super(message);
  }
}

export const notFound = (what: string): DomainException => new DomainException('NOT_FOUND', `${what} not found`);
