import type { Priority, RuleSetDocument, ServiceHours, SlaRule } from '@cgi/shared';
import { addServiceMinutes } from './service-hours.calendar';

const MS_PER_MINUTE = 60_000;

/** Adds minutes on an SLA calendar: ALWAYS = plain elapsed time (24/7); SERVICE_HOURS = service time only. */
export function addCalendarMinutes(
  start: Date,
  minutes: number,
  calendar: SlaRule['calendar'],
  hours: ServiceHours,
): Date {
  if (calendar === 'SERVICE_HOURS') return addServiceMinutes(start, minutes, hours);
  return new Date(start.getTime() + Math.round(minutes * MS_PER_MINUTE));
}

export interface Deadlines {
  acknowledgeDueAt: Date;
  /** Null when the priority has no on-scene target (P3, P4). */
  onSceneDueAt: Date | null;
  resolveDueAt: Date;
}

/** The SLA deadlines of an occurrence, run from dispatch on its priority's calendar (governance.md §2, §6). */
export function computeDeadlines(dispatchedAt: Date, priority: Priority, doc: RuleSetDocument): Deadlines {
  const sla = doc.slas[priority];
  const add = (minutes: number): Date => addCalendarMinutes(dispatchedAt, minutes, sla.calendar, doc.serviceHours);
  return {
    acknowledgeDueAt: add(sla.acknowledgeMinutes),
    onSceneDueAt: sla.onSceneMinutes === null ? null : add(sla.onSceneMinutes),
    resolveDueAt: add(sla.resolveMinutes),
  };
}
