import { parseRetryAfter, retryDelay, type Backoff } from '@cgi/shared';

/**
 * How the simulated clients — the Gabinete do Munícipe's Open311 client, the Urban Platform's
 * sensors, the operators — answer a 503 from the CGI (intake at capacity, ADR 0016): the report
 * was not stored, so they send it again as @cgi/shared's `retryDelay` says.
 */
export const DEFAULT_BACKOFF: Backoff = { attempts: 6, baseMs: 250, maxMs: 10_000, random: Math.random };

/**
 * Sends (`send` builds a fresh request each time, with the same Idempotency-Key if it has one)
 * and retries while the answer is 503, up to `policy.attempts`; answers the last response and how
 * many attempts it took.
 */
export async function sendWithRetry(send: () => Promise<Response>, policy: Backoff = DEFAULT_BACKOFF): Promise<{ response: Response; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const response = await send();
    if (response.status !== 503 || attempt >= policy.attempts) return { response, attempts: attempt };
    const wait = retryDelay(policy, attempt, parseRetryAfter(response.headers.get('retry-after')));
    await response.arrayBuffer().catch(() => undefined);
    await new Promise((r) => setTimeout(r, wait));
  }
}
