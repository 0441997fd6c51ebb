/**
 * How the simulated clients — the Gabinete do Munícipe's Open311 client, the Urban Platform's
 * sensors, the operators — answer a 503 from the CGI (intake at capacity, ADR 0016): the report
 * was not stored, so they send it again after the answer's Retry-After or an exponential backoff,
 * whichever is longer, plus jitter (a storm's clients must not all come back at the same instant).
 */
export interface Backoff {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Backoff before the second attempt, doubled for each next one. */
  baseMs: number;
  /** Longest wait between two attempts. */
  maxMs: number;
  random: () => number;
}

export const DEFAULT_BACKOFF: Backoff = { attempts: 6, baseMs: 250, maxMs: 10_000, random: Math.random };

/** The wait after attempt `attempt` (from 1): max(backoff, Retry-After), with "full jitter" above it (up to 2x), capped. */
export function backoffMs(policy: Backoff, attempt: number, retryAfter: string | null): number {
  const backoff = policy.baseMs * 2 ** (attempt - 1);
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) * 1000 : 0;
  const floor = Math.max(backoff, seconds);
  return Math.min(policy.maxMs, floor + floor * policy.random());
}

/**
 * Sends (`send` builds a fresh request each time, with the same Idempotency-Key if it has one)
 * and retries while the answer is 503, up to `policy.attempts`; answers the last response and how
 * many attempts it took.
 */
export async function sendWithRetry(send: () => Promise<Response>, policy: Backoff = DEFAULT_BACKOFF): Promise<{ response: Response; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const response = await send();
    if (response.status !== 503 || attempt >= policy.attempts) return { response, attempts: attempt };
    const wait = backoffMs(policy, attempt, response.headers.get('retry-after'));
    await response.arrayBuffer().catch(() => undefined);
    await new Promise((r) => setTimeout(r, wait));
  }
}
