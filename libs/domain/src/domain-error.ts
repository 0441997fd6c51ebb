import type { ErrorCode } from '@cgi/shared';

/** Base of the errors the domain throws on purpose. `code` maps to the API's error codes. */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;

  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
