/**
 * How a client of the CGI — the console, the Gabinete do Munícipe's Open311 client, the sensors —
 * sends again a request refused for now (503 with Retry-After: intake at capacity, ADR 0016; the
 * database restarting, ADR 0023): after the answer's Retry-After or an exponential backoff,
 * whichever is longer, plus up to 50 % jitter so that a storm's clients do not all come back at
 * the same instant. Only a request safe to repeat is sent again (a read, or a write with its
 * Idempotency-Key, the same key every time).
 */
export interface Backoff {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Backoff before the second attempt, doubled for each next one. */
  baseMs: number;
  /** Longest wait between two attempts. */
  maxMs: number;
  /** A number in [0, 1) (Math.random; fixed in tests). */
  random: () => number;
}

/** The wait after attempt `attempt` (counted from 1), given the answer's Retry-After in ms (or null). */
export function retryDelay(policy: Backoff, attempt: number, retryAfterMs: number | null): number {
  const wait = Math.max(policy.baseMs * 2 ** (attempt - 1), retryAfterMs ?? 0);
  return Math.min(policy.maxMs, wait + wait * 0.5 * policy.random());
}

/** A Retry-After header (delay-seconds or an HTTP date) in milliseconds from `now`, or null. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
