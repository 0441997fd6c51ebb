import {
  ESCALATION_LEVELS,
  type AssignmentRole,
  type DeadlineKind,
  type EscalationAudience,
  type EscalationLevel,
  type Priority,
  type RuleSetDocument,
  type SupportEscalationRule,
  type SupportingRole,
} from '@cgi/shared';
import { addCalendarMinutes, computeDeadlines } from './deadlines';

/** One condition of the escalation ladder (governance.md §6): at `dueAt`, unless met, `level` applies. */
export interface EscalationTrigger {
  level: 'L1' | 'L2' | 'L3';
  kind: DeadlineKind;
  dueAt: Date;
}

/** What has happened to the occurrence, as far as its clocks are concerned (lead's times). */
export interface ClockState {
  acknowledgedAt: Date | null;
  onSceneAt: Date | null;
  resolvedAt: Date | null;
  closedOrCancelled: boolean;
}

const KIND_ORDER: readonly DeadlineKind[] = ['ACKNOWLEDGE', 'ON_SCENE', 'RESOLVE'];

function levelRank(level: EscalationLevel): number {
  return ESCALATION_LEVELS.indexOf(level);
}

function compareTriggers(a: EscalationTrigger, b: EscalationTrigger): number {
  return (
    a.dueAt.getTime() - b.dueAt.getTime() ||
    levelRank(a.level) - levelRank(b.level) ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind)
  );
}

/**
 * Every escalation trigger of an occurrence dispatched at `dispatchedAt`, sorted by dueAt, then level.
 * Acknowledge multiples are counted on the priority's calendar (service time for P4); the on-scene
 * and resolve triggers are the SLA deadlines themselves.
 */
export function escalationTriggers(dispatchedAt: Date, priority: Priority, doc: RuleSetDocument): EscalationTrigger[] {
  const sla = doc.slas[priority];
  const deadlines = computeDeadlines(dispatchedAt, priority, doc);
  const triggers: EscalationTrigger[] = [];
  for (const rule of doc.escalation) {
    triggers.push({
      level: rule.level,
      kind: 'ACKNOWLEDGE',
      dueAt: addCalendarMinutes(dispatchedAt, sla.acknowledgeMinutes * rule.acknowledgeMultiple, sla.calendar, doc.serviceHours),
    });
    if (rule.onSceneMissed && deadlines.onSceneDueAt !== null) {
      triggers.push({ level: rule.level, kind: 'ON_SCENE', dueAt: deadlines.onSceneDueAt });
    }
    if (rule.resolveMissedPriorities.includes(priority)) {
      triggers.push({ level: rule.level, kind: 'RESOLVE', dueAt: deadlines.resolveDueAt });
    }
  }
  return triggers.sort(compareTriggers);
}

/**
 * The ladder of a support or coordinator department (ADR 0017): acknowledge triggers only, at the
 * rung's multiple of the priority's acknowledge deadline from `assignedAt`, for the rungs that
 * apply to `priority`. None when the rule set has no such ladder (versions before ADR 0017).
 */
export function supportEscalationTriggers(
  assignedAt: Date,
  priority: Priority,
  role: SupportingRole,
  doc: RuleSetDocument,
): EscalationTrigger[] {
  const sla = doc.slas[priority];
  return supportLadder(doc, role)
    .filter((rule) => rule.priorities.includes(priority))
    .map((rule): EscalationTrigger => ({
      level: rule.level,
      kind: 'ACKNOWLEDGE',
      dueAt: addCalendarMinutes(assignedAt, sla.acknowledgeMinutes * rule.acknowledgeMultiple, sla.calendar, doc.serviceHours),
    }))
    .sort(compareTriggers);
}

/** The triggers of one assignment, by its role: the lead's ladder (§6) or the role's own. */
export function assignmentTriggers(role: AssignmentRole, assignedAt: Date, priority: Priority, doc: RuleSetDocument): EscalationTrigger[] {
  return role === 'LEAD' ? escalationTriggers(assignedAt, priority, doc) : supportEscalationTriggers(assignedAt, priority, role, doc);
}

/** A supporting role's ladder in the rule set (empty in versions published before it existed). */
export function supportLadder(doc: Pick<RuleSetDocument, 'supportEscalation'>, role: SupportingRole): readonly SupportEscalationRule[] {
  return doc.supportEscalation?.[role] ?? [];
}

/** Who a rung of the ladder of `role` tells (empty when the ladder has no such rung). */
export function rungAudience(
  doc: Pick<RuleSetDocument, 'escalation' | 'supportEscalation'>,
  role: AssignmentRole,
  level: EscalationTrigger['level'],
): readonly EscalationAudience[] {
  const rungs = role === 'LEAD' ? doc.escalation : supportLadder(doc, role);
  return rungs.find((r) => r.level === level)?.notify ?? [];
}

/**
 * Whether the condition a trigger watches is met: a later stage meets the earlier ones
 * (on scene implies acknowledged); closing or cancelling stops every clock.
 */
export function isTriggerMet(kind: DeadlineKind, state: ClockState): boolean {
  if (state.closedOrCancelled || state.resolvedAt !== null) return true;
  switch (kind) {
    case 'ACKNOWLEDGE':
      return state.acknowledgedAt !== null || state.onSceneAt !== null;
    case 'ON_SCENE':
      return state.onSceneAt !== null;
    case 'RESOLVE':
      return false;
  }
}

/** The highest level with a trigger that is due (dueAt <= now) and not met; 'L0' when there is none. */
export function dueEscalationLevel(
  triggers: readonly EscalationTrigger[],
  state: ClockState,
  now: Date,
): EscalationLevel {
  let level: EscalationLevel = 'L0';
  for (const trigger of triggers) {
    const due = trigger.dueAt.getTime() <= now.getTime();
    if (due && !isTriggerMet(trigger.kind, state) && levelRank(trigger.level) > levelRank(level)) {
      level = trigger.level;
    }
  }
  return level;
}
