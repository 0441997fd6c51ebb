import type { OccurrenceStatus } from '@cgi/shared';
import { DomainError } from '../domain-error';
import type { OccurrenceCommand } from './occurrence-command';

/** A command that the lifecycle does not allow in the occurrence's current status (HTTP 409). */
export class IllegalTransitionError extends DomainError {
  readonly code = 'ILLEGAL_TRANSITION' as const;

  constructor(
    readonly from: OccurrenceStatus,
    readonly command: OccurrenceCommand,
    readonly isLead: boolean,
  ) {
    super(`${command}${isLead ? ' by the lead' : ''} is not allowed when the occurrence is ${from}`);
  }
}
