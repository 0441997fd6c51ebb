import { DomainException } from './domain.exception';

/**
 * 503 OVERLOADED: the node takes no more of this work now and nothing was stored; the filter adds
 * `Retry-After: <retryAfterSeconds>`. Retrying later is safe (ADR 0016).
 */
export class OverloadedException extends DomainException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('OVERLOADED', message);
  }
}
