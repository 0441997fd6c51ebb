/** The BullMQ queue of status callbacks and its one job (one job per request and status change). */
export const STATUS_CALLBACK_QUEUE = 'open311-status-callbacks';
export const DELIVER_CALLBACKS_JOB = 'deliver-callbacks';

/** Deliver, in order, every pending callback of the request up to `seq`. */
export interface DeliverCallbacksPayload {
  occurrenceId: string;
  seq: number;
}

/** Deterministic: adding the job for the same (request, seq) again is a no-op while it exists. */
export const deliverJobId = (p: DeliverCallbacksPayload): string => `${p.occurrenceId}_${p.seq}`;

/** Exponential backoff with a ceiling: base, 2·base, 4·base, … ≤ max. */
export function callbackBackoff(attemptsMade: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
}
