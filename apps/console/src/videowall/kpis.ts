import { DEPARTMENTS, PRIORITIES, type Department, type OccurrenceView, type Priority } from '@cgi/shared';
import { nextDeadlineMs } from '../common/urgency';

export type OpenMatrix = Record<Department, Record<Priority | 'total', number>>;

export interface Kpis {
  openTotal: number;
  byPriority: Record<Priority, number>;
  /** Open occurrences per department with an active assignment, by priority. */
  byDepartment: OpenMatrix;
  /** Open occurrences past a deadline now or escalated. */
  slaBreaches: number;
  /** Median milliseconds from assignment to acknowledgement, for acknowledgements since `since`; null without any. */
  medianAckMs: Record<Department, number | null>;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

interface Ack {
  department: Department;
  /** When it was acknowledged (epoch ms), and how long after the assignment. */
  at: number;
  ms: number;
}
/** Acknowledgements of an occurrence version, parsed once (views are never changed in place). */
const ackCache = new WeakMap<OccurrenceView, Ack[]>();
function acknowledgements(o: OccurrenceView): Ack[] {
  let out = ackCache.get(o);
  if (!out) {
    out = [];
    for (const a of o.assignments) {
      if (!a.acknowledgedAt) continue;
      const at = Date.parse(a.acknowledgedAt);
      out.push({ department: a.department, at, ms: at - Date.parse(a.assignedAt) });
    }
    ackCache.set(o, out);
  }
  return out;
}

/** The videowall's KPI tiles, computed from the open occurrences and those that left today. */
export function computeKpis(open: Iterable<OccurrenceView>, departed: Iterable<OccurrenceView>, now: number, since: number): Kpis {
  const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  const byDepartment = Object.fromEntries(
    DEPARTMENTS.map((d) => [d, { ...Object.fromEntries(PRIORITIES.map((p) => [p, 0])), total: 0 }]),
  ) as OpenMatrix;
  const acks = new Map<Department, number[]>(DEPARTMENTS.map((d) => [d, []]));
  let openTotal = 0;
  let slaBreaches = 0;
  const collectAcks = (o: OccurrenceView): void => {
    for (const a of acknowledgements(o)) if (a.at >= since) acks.get(a.department)?.push(a.ms);
  };
  for (const o of open) {
    openTotal++;
    byPriority[o.priority]++;
    for (const a of o.assignments) {
      if (a.state === 'RELEASED') continue;
      byDepartment[a.department][o.priority]++;
      byDepartment[a.department].total++;
    }
    if (o.escalationLevel !== 'L0' || nextDeadlineMs(o) < now) slaBreaches++;
    collectAcks(o);
  }
  for (const o of departed) collectAcks(o);
  const medianAckMs = Object.fromEntries(DEPARTMENTS.map((d) => [d, median(acks.get(d)!)])) as Record<Department, number | null>;
  return { openTotal, byPriority, byDepartment, slaBreaches, medianAckMs };
}

/** Midnight today in Lisbon, as epoch milliseconds. */
export function startOfTodayLisbon(now = Date.now()): number {
  const parts = lisbonClock()
    .formatToParts(new Date(now))
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  const elapsed = (Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second)) * 1000 + (now % 1000);
  return now - elapsed;
}

/** One formatter for the videowall's every-second tick (building one with a time zone is the costly part). */
let lisbon: Intl.DateTimeFormat | null = null;
function lisbonClock(): Intl.DateTimeFormat {
  lisbon ??= new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Lisbon', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return lisbon;
}
