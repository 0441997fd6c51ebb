import type { UnitCommand, UnitStatus } from '@cgi/shared';
import { DomainError } from '../domain-error';

/** A command the unit's current status does not allow (HTTP 409 ILLEGAL_TRANSITION). */
export class IllegalUnitTransitionError extends DomainError {
  readonly code = 'ILLEGAL_TRANSITION' as const;

  constructor(
    readonly from: UnitStatus,
    readonly command: UnitCommand,
  ) {
    super(`${command} is not allowed when the unit is ${from}`);
  }
}

/**
 * The unit state machine:
 * AVAILABLE —DISPATCH→ DISPATCHED —ARRIVE→ ON_SCENE; DISPATCHED/ON_SCENE —RELEASE→ AVAILABLE;
 * AVAILABLE —SET_UNAVAILABLE(reason)→ UNAVAILABLE —SET_AVAILABLE→ AVAILABLE.
 * A unit on an occurrence is released before it can go out of service (its crew radios it in,
 * the dispatcher releases it); an unavailable unit is never proposed nor dispatched.
 */
const TRANSITIONS: Record<UnitCommand, { from: readonly UnitStatus[]; to: UnitStatus }> = {
  DISPATCH: { from: ['AVAILABLE'], to: 'DISPATCHED' },
  ARRIVE: { from: ['DISPATCHED'], to: 'ON_SCENE' },
  RELEASE: { from: ['DISPATCHED', 'ON_SCENE'], to: 'AVAILABLE' },
  SET_UNAVAILABLE: { from: ['AVAILABLE'], to: 'UNAVAILABLE' },
  SET_AVAILABLE: { from: ['UNAVAILABLE'], to: 'AVAILABLE' },
};

export function canApplyUnitCommand(current: UnitStatus, command: UnitCommand): boolean {
  return TRANSITIONS[command].from.includes(current);
}

/** The status after `command`, or IllegalUnitTransitionError. */
export function nextUnitStatus(current: UnitStatus, command: UnitCommand): UnitStatus {
  if (!canApplyUnitCommand(current, command)) throw new IllegalUnitTransitionError(current, command);
  return TRANSITIONS[command].to;
}

/** Statuses in which a unit is on an occurrence (its `occurrence` is set exactly then). */
export const UNIT_ENGAGED_STATUSES: readonly UnitStatus[] = ['DISPATCHED', 'ON_SCENE'];
