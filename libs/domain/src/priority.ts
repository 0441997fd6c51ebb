import { PRIORITIES, type Priority } from '@cgi/shared';

/** 1 for P1 (the most urgent) … 4 for P4: a lower rank is a higher priority. */
export function priorityRank(priority: Priority): number {
  return PRIORITIES.indexOf(priority) + 1;
}

/** The higher (more urgent) of two priorities; P1 is the highest. */
export function higherPriority(a: Priority, b: Priority): Priority {
  return priorityRank(a) <= priorityRank(b) ? a : b;
}

export function isPriority(value: unknown): value is Priority {
  return typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);
}
