import type { AssignmentRole, AssignmentView, Department, DeadlineKind, EscalationLevel, OccurrenceView, Priority } from '@cgi/shared';

export interface NextDeadline {
  kind: DeadlineKind;
  dueAt: string;
  department: Department;
}

const ACTIVE = (a: AssignmentView): boolean => a.state !== 'RELEASED';

/** The assignment a view follows: the department's own, or the lead's. */
export function assignmentOf(o: OccurrenceView, department?: Department | null): AssignmentView | undefined {
  const dep = department ?? o.lead;
  return o.assignments.find((a) => a.department === dep && ACTIVE(a)) ?? o.assignments.find((a) => a.role === 'LEAD' && ACTIVE(a));
}

/** The next deadline the department (or the lead) has to meet, null when none runs. */
export function nextDeadline(o: OccurrenceView, department?: Department | null): NextDeadline | null {
  const a = assignmentOf(o, department);
  if (!a) return null;
  const pick = (kind: DeadlineKind, dueAt: string | null): NextDeadline | null => (dueAt ? { kind, dueAt, department: a.department } : null);
  if (a.state === 'PENDING') return pick('ACKNOWLEDGE', a.acknowledgeDueAt) ?? pick('RESOLVE', a.resolveDueAt);
  if (a.state === 'ACKNOWLEDGED') return pick('ON_SCENE', a.onSceneDueAt) ?? pick('RESOLVE', a.resolveDueAt);
  return pick('RESOLVE', a.resolveDueAt);
}

/**
 * The next deadline as epoch milliseconds (+Infinity when none runs), worked out once per occurrence
 * version: views are never changed in place (a live update brings a new object), so the videowall's
 * every-second tick over 10,000 open occurrences reads a number instead of parsing dates again.
 */
const dueCache = new WeakMap<OccurrenceView, Map<string, number>>();
export function nextDeadlineMs(o: OccurrenceView, department?: Department | null): number {
  let byDepartment = dueCache.get(o);
  if (!byDepartment) {
    byDepartment = new Map();
    dueCache.set(o, byDepartment);
  }
  const k = department ?? '';
  let due = byDepartment.get(k);
  if (due === undefined) {
    const d = nextDeadline(o, department);
    due = d ? Date.parse(d.dueAt) : Number.POSITIVE_INFINITY;
    byDepartment.set(k, due);
  }
  return due;
}

const LEVEL_RANK: Record<EscalationLevel, number> = { L0: 0, L1: 1, L2: 2, L3: 3 };
const ROLE_RANK: Record<AssignmentRole, number> = { LEAD: 0, COORDINATOR: 1, SUPPORT: 2 };

/**
 * The departments whose own ladder escalated (ADR 0017): the active assignments above L0, highest
 * level first, then lead, coordinator, support. Which department missed its deadline, not only
 * that the occurrence escalated.
 */
export function escalatedAssignments(o: OccurrenceView): AssignmentView[] {
  return o.assignments
    .filter((a) => ACTIVE(a) && a.escalationLevel !== 'L0')
    .sort((a, b) => LEVEL_RANK[b.escalationLevel] - LEVEL_RANK[a.escalationLevel] || ROLE_RANK[a.role] - ROLE_RANK[b.role] || a.department.localeCompare(b.department));
}
const PRIORITY_RANK: Record<Priority, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

export function levelRank(l: EscalationLevel): number {
  return LEVEL_RANK[l];
}

export function priorityRank(p: Priority): number {
  return PRIORITY_RANK[p];
}

interface Keyed {
  o: OccurrenceView;
  level: number;
  priority: number;
  due: number;
}

function keyed(o: OccurrenceView, department?: Department | null): Keyed {
  return { o, level: LEVEL_RANK[o.escalationLevel], priority: PRIORITY_RANK[o.priority], due: nextDeadlineMs(o, department) };
}

/** ISO 8601 instants of one format sort as text (no collator needed). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeyed(a: Keyed, b: Keyed): number {
  return b.level - a.level || a.priority - b.priority || a.due - b.due || byText(a.o.createdAt, b.o.createdAt);
}

/**
 * Most urgent first: L3 is pinned at the top, then escalation level, priority, and the nearest deadline.
 */
export function byUrgency(department?: Department | null): (a: OccurrenceView, b: OccurrenceView) => number {
  return (a, b) => compareKeyed(keyed(a, department), keyed(b, department));
}

/**
 * The same order as byUrgency, with each occurrence's deadline worked out once instead of at every
 * comparison (10,000 open occurrences: one pass of Date.parse, not one per comparison).
 */
export function sortByUrgency(items: Iterable<OccurrenceView>, department?: Department | null): OccurrenceView[] {
  const keys: Keyed[] = [];
  for (const o of items) keys.push(keyed(o, department));
  return keys.sort(compareKeyed).map((k) => k.o);
}

/** The `k` most urgent, in byUrgency order, in one pass (no sort of the whole set). */
export function mostUrgent(items: Iterable<OccurrenceView>, k: number, department?: Department | null): OccurrenceView[] {
  const top: Keyed[] = [];
  for (const o of items) {
    if (top.length === k) {
      // Cheap rejection before working out the deadline: below the worst kept on level or priority.
      const worst = top[k - 1];
      const level = LEVEL_RANK[o.escalationLevel];
      if (level < worst.level || (level === worst.level && PRIORITY_RANK[o.priority] > worst.priority)) continue;
    }
    const c = keyed(o, department);
    if (top.length === k && compareKeyed(c, top[k - 1]) >= 0) continue;
    let i = top.length;
    while (i > 0 && compareKeyed(c, top[i - 1]) < 0) i--;
    top.splice(i, 0, c);
    if (top.length > k) top.pop();
  }
  return top.map((t) => t.o);
}

/** "mm:ss" or "h:mm:ss" until (positive) or since (negative) a deadline. */
export function formatCountdown(ms: number): string {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const body = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
  return neg ? `-${body}` : body;
}
