import {
  ESCALATION_LEVELS,
  type AssignmentRole,
  type DeadlineKind,
  type Department,
  type EscalationAudience,
  type EscalationLevel,
  type RuleSetDocument,
} from '@cgi/shared';
import { isTriggerMet, rungAudience } from './escalation-triggers';

/** What became of a pending escalation deadline when it was processed. */
export type DeadlineOutcome = 'ESCALATED' | 'MET' | 'LEVEL_REACHED' | 'SUPERSEDED';

/** A pending escalation deadline row (governance.md §6), as the worker read it under the occurrence's lock. */
export interface PendingDeadline {
  id: string;
  occurrenceId: string;
  department: Department;
  /** The role whose ladder the row belongs to: LEAD (governance.md §6) or SUPPORT / COORDINATOR (ADR 0017). */
  role: AssignmentRole;
  kind: DeadlineKind;
  level: 'L1' | 'L2' | 'L3';
  dueAt: Date;
}

/** The occurrence's part of the clock state, read under its row lock. */
export interface OccurrenceClock {
  status: string;
  leadDepartment: Department;
  resolvedAt: Date | null;
}

/** One assignment's part of the clock state, read under the occurrence's row lock. */
export interface AssignmentClock {
  department: Department;
  role: AssignmentRole;
  state: string;
  acknowledgedAt: Date | null;
  onSceneAt: Date | null;
  escalationLevel: EscalationLevel;
}

export interface DeadlineDecision {
  deadline: PendingDeadline;
  outcome: DeadlineOutcome;
}

const STOPPED = new Set(['CLOSED', 'CANCELLED', 'MERGED']);
const KIND_ORDER: readonly DeadlineKind[] = ['ACKNOWLEDGE', 'ON_SCENE', 'RESOLVE'];
const rank = (l: EscalationLevel): number => ESCALATION_LEVELS.indexOf(l);

/** Due time, then level, then kind: a late L1 comes before the L2 that overtook it. */
export function compareDeadlines(a: PendingDeadline, b: PendingDeadline): number {
  return (
    a.dueAt.getTime() - b.dueAt.getTime() ||
    rank(a.level) - rank(b.level) ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind)
  );
}

/**
 * Decides every due, pending deadline of ONE occurrence at once, in ladder order per department:
 * superseded when its department no longer holds the role of the row's ladder (another lead, a
 * support released or made lead), met when that department's condition holds,
 * level reached when the assignment is already at that level or above (never downwards, one
 * ESCALATED per level), escalated otherwise — and an escalation raises the level the later rows
 * of the same department are compared with. The caller holds the occurrence's row lock and writes
 * the decisions in that transaction.
 */
export function decideDeadlines(
  deadlines: readonly PendingDeadline[],
  occurrence: OccurrenceClock,
  assignments: readonly AssignmentClock[],
): DeadlineDecision[] {
  const reached = new Map<Department, EscalationLevel>(assignments.map((a) => [a.department, a.escalationLevel]));
  const closedOrCancelled = STOPPED.has(occurrence.status);
  return [...deadlines].sort(compareDeadlines).map((d) => {
    const a = assignments.find((x) => x.department === d.department);
    let outcome: DeadlineOutcome;
    const roleHeld = d.role === 'LEAD' ? occurrence.leadDepartment === d.department : a?.role === d.role;
    if (!a || a.state === 'RELEASED' || !roleHeld) {
      outcome = 'SUPERSEDED';
    } else if (isTriggerMet(d.kind, { acknowledgedAt: a.acknowledgedAt, onSceneAt: a.onSceneAt, resolvedAt: occurrence.resolvedAt, closedOrCancelled })) {
      outcome = 'MET';
    } else if (rank(reached.get(d.department) ?? 'L0') >= rank(d.level)) {
      outcome = 'LEVEL_REACHED';
    } else {
      outcome = 'ESCALATED';
      reached.set(d.department, d.level);
    }
    return { deadline: d, outcome };
  });
}

export type EscalationRecipient = EscalationAudience;

/** Who a recipient kind is, for the department the deadline concerns (null: the municipal coordinator, no department). */
export function recipientDepartment(r: EscalationRecipient, department: Department): Department | null {
  switch (r) {
    case 'DEPARTMENT':
    case 'DEPARTMENT_SUPERVISOR':
      return department;
    case 'CGI_SUPERVISOR':
      return 'CGI';
    case 'CIVIL_PROTECTION':
      return 'CIVIL_PROTECTION';
    case 'MUNICIPAL_COORDINATOR':
      return null;
  }
}

const REASONS: Record<DeadlineKind, string> = {
  ACKNOWLEDGE: 'has not acknowledged',
  ON_SCENE: 'is not on scene',
  RESOLVE: 'has not resolved',
};

/** What an escalation says and to whom: its recipients (from the rule set's ladder), the reason, and the departments its event concerns. */
export interface EscalationNotice {
  notified: Array<{ recipient: EscalationRecipient; department: Department | null }>;
  reason: string;
  departments: Department[];
}

/** The ladders a notice reads its recipients from: those of the rule-set version the occurrence was routed by. */
export type EscalationLadders = Pick<RuleSetDocument, 'escalation' | 'supportEscalation'>;

/**
 * The notice of an escalated deadline, recipients from the ladder of the row's role;
 * `activeDepartments` are the occurrence's assignments not released.
 */
export function escalationNotice(d: PendingDeadline, ladders: EscalationLadders, activeDepartments: readonly Department[]): EscalationNotice {
  const notified = rungAudience(ladders, d.role, d.level).map((recipient) => ({ recipient, department: recipientDepartment(recipient, d.department) }));
  const who = d.role === 'LEAD' ? d.department : `${d.department} (${d.role.toLowerCase()})`;
  const reason = `${who} ${REASONS[d.kind]} by ${d.dueAt.toISOString()} (${d.kind.toLowerCase().replace('_', ' ')} deadline, ${d.level})`;
  const departments = [...new Set<Department>([
    ...activeDepartments,
    ...notified.flatMap((n) => (n.department ? [n.department] : [])),
  ])].sort();
  return { notified, reason, departments };
}
