import { DomainException } from './domain.exception';

/** 429 RATE_LIMITED; the filter adds `Retry-After: <retryAfterSeconds>`. */
export class RateLimitedException extends DomainException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', message);
  }
}
