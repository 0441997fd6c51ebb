import { OCCURRENCE_STATUSES, OPEN_STATUSES, type OccurrenceStatus } from '@cgi/shared';
import { IllegalTransitionError } from './illegal-transition.error';
import { OCCURRENCE_COMMANDS, type OccurrenceCommand, type TransitionOptions } from './occurrence-command';

/**
 * The occurrence lifecycle (governance.md §5) as a table:
 * NEW → TRIAGED → DISPATCHED → ACKNOWLEDGED → ON_SCENE → RESOLVED → CLOSED,
 * plus CANCELLED, MERGED and reopening (back to TRIAGED).
 *
 * Department commands distinguish the lead from support departments: every assigned department
 * acknowledges and goes on scene on its own, but only the lead moves the occurrence's status,
 * and only the lead resolves.
 */

/** Who may issue a transition: any actor, only the lead, or only a support department. */
type Actor = 'ANY' | 'LEAD' | 'SUPPORT';

interface Transition {
  from: readonly OccurrenceStatus[];
  actor: Actor;
  /** Target status, or 'UNCHANGED' when the command is recorded without moving the status. */
  to: OccurrenceStatus | 'UNCHANGED';
}

const OPEN = OPEN_STATUSES;
const IN_FIELD: readonly OccurrenceStatus[] = ['DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE'];

const TRANSITIONS: Record<OccurrenceCommand, readonly Transition[]> = {
  TRIAGE: [{ from: ['NEW'], actor: 'ANY', to: 'TRIAGED' }],
  DISPATCH: [{ from: ['NEW', 'TRIAGED'], actor: 'ANY', to: 'DISPATCHED' }],
  ACKNOWLEDGE: [
    // The lead's acknowledgement stops the acknowledgement clock; a second one is a mistake.
    { from: ['DISPATCHED'], actor: 'LEAD', to: 'ACKNOWLEDGED' },
    { from: IN_FIELD, actor: 'SUPPORT', to: 'UNCHANGED' },
  ],
  ON_SCENE: [
    { from: ['DISPATCHED', 'ACKNOWLEDGED'], actor: 'LEAD', to: 'ON_SCENE' },
    { from: IN_FIELD, actor: 'SUPPORT', to: 'UNCHANGED' },
  ],
  RESOLVE: [{ from: ['ACKNOWLEDGED', 'ON_SCENE'], actor: 'LEAD', to: 'RESOLVED' }],
  CLOSE: [{ from: ['RESOLVED'], actor: 'ANY', to: 'CLOSED' }],
  CANCEL: [{ from: OPEN, actor: 'ANY', to: 'CANCELLED' }],
  REOPEN: [{ from: ['RESOLVED', 'CLOSED'], actor: 'ANY', to: 'TRIAGED' }],
  MERGE: [{ from: OPEN, actor: 'ANY', to: 'MERGED' }],
  UNMERGE: [{ from: ['MERGED'], actor: 'ANY', to: 'TRIAGED' }],
  OVERRIDE_ROUTING: [{ from: OPEN, actor: 'ANY', to: 'UNCHANGED' }],
  ADD_NOTE: [{ from: OCCURRENCE_STATUSES, actor: 'ANY', to: 'UNCHANGED' }],
};

function actorMatches(actor: Actor, isLead: boolean): boolean {
  return actor === 'ANY' || (actor === 'LEAD') === isLead;
}

function findTransition(
  current: OccurrenceStatus,
  command: OccurrenceCommand,
  isLead: boolean,
): Transition | undefined {
  return TRANSITIONS[command].find((t) => t.from.includes(current) && actorMatches(t.actor, isLead));
}

/**
 * The status after `command` is applied in `current`. Throws IllegalTransitionError when the
 * command is not allowed. `opts.isLead` defaults to false (least privilege): lead-only effects
 * (moving to ACKNOWLEDGED / ON_SCENE, resolving) need `isLead: true` explicitly.
 */
export function nextStatus(
  current: OccurrenceStatus,
  command: OccurrenceCommand,
  opts: TransitionOptions = {},
): OccurrenceStatus {
  const isLead = opts.isLead ?? false;
  const transition = findTransition(current, command, isLead);
  if (!transition) throw new IllegalTransitionError(current, command, isLead);
  return transition.to === 'UNCHANGED' ? current : transition.to;
}

/** Whether `command` is allowed in `current` (same rules as nextStatus, without throwing). */
export function canApply(current: OccurrenceStatus, command: OccurrenceCommand, opts: TransitionOptions = {}): boolean {
  return findTransition(current, command, opts.isLead ?? false) !== undefined;
}

function commandsAllowedIn(status: OccurrenceStatus): OccurrenceCommand[] {
  return OCCURRENCE_COMMANDS.filter((command) => canApply(status, command, { isLead: true }) || canApply(status, command));
}

/**
 * Commands that someone (the lead or a support department) may issue in each status, in
 * OCCURRENCE_COMMANDS order. For the UI; use canApply with isLead for a given actor.
 */
export const ALLOWED_COMMANDS: Record<OccurrenceStatus, OccurrenceCommand[]> = Object.fromEntries(
  OCCURRENCE_STATUSES.map((status) => [status, commandsAllowedIn(status)]),
) as Record<OccurrenceStatus, OccurrenceCommand[]>;
