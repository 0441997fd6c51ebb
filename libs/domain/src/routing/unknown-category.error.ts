import { DomainError } from '../domain-error';

/** The category code is not in the rule set used for routing (HTTP 422). */
export class UnknownCategoryError extends DomainError {
  readonly code = 'UNKNOWN_CATEGORY' as const;

  constructor(readonly category: string) {
    super(`unknown category "${category}"`);
  }
}
