import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiRequestError, type RetryPolicy } from './api-client';

const overloaded = (retryAfter?: string): Response =>
  new Response(JSON.stringify({ error: { code: 'OVERLOADED', message: 'Intake is at capacity', correlationId: 'c' } }), {
    status: 503,
    headers: { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) },
  });
const created = (): Response => new Response(JSON.stringify({ id: 'x', reference: 'OC-2026-000001' }), { status: 201 });

function client(responses: Array<() => Response>): { api: ApiClient; fetch: ReturnType<typeof vi.fn>; waits: number[] } {
  const fetch = vi.fn(async () => (responses.shift() ?? created)());
  vi.stubGlobal('fetch', fetch);
  const waits: number[] = [];
  const policy: RetryPolicy = { attempts: 4, baseMs: 500, maxMs: 8000, sleep: async (ms) => void waits.push(ms), random: () => 0.5 };
  return { api: new ApiClient('/api/v1', () => 'token', async () => false, policy), fetch, waits };
}

const keyOf = (call: unknown[]): string => ((call[1] as RequestInit).headers as Record<string, string>)['idempotency-key'];

describe('ApiClient: a 503 (intake at capacity, ADR 0016) is retried when the request is safe to repeat', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('retries an intake with the same Idempotency-Key, waiting at least the Retry-After', async () => {
    const { api, fetch, waits } = client([() => overloaded('2'), () => overloaded(), created]);
    const answer = await api.post<{ reference: string }>('/occurrences', { description: 'x' }, { 'idempotency-key': 'k-1' });
    expect(answer.reference).toBe('OC-2026-000001');
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(fetch.mock.calls.map((c) => keyOf(c as unknown[]))).toEqual(['k-1', 'k-1', 'k-1']);
    // Retry-After 2 s (longer than the 500 ms backoff), then the 1 s backoff; each plus the jitter (here 25 %).
    expect(waits).toEqual([2500, 1250]);
  });

  it('gives up after its attempts with the 503, backing off exponentially up to the cap', async () => {
    const { api, fetch, waits } = client([() => overloaded(), () => overloaded(), () => overloaded(), () => overloaded('20')]);
    const err = await api.post('/occurrences', {}, { 'idempotency-key': 'k-2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect((err as ApiRequestError).status).toBe(503);
    expect((err as ApiRequestError).retryAfterMs).toBe(20_000);
    expect(fetch).toHaveBeenCalledTimes(4);
    expect(waits).toEqual([625, 1250, 2500]);
  });

  it('does not repeat a write without an Idempotency-Key, nor answers other than 503', async () => {
    const a = client([() => overloaded('1')]);
    await expect(a.api.post('/occurrences/x/notes', { text: 'n' })).rejects.toMatchObject({ status: 503 });
    expect(a.fetch).toHaveBeenCalledTimes(1);
    const b = client([() => new Response('{}', { status: 500 })]);
    await expect(b.api.post('/occurrences', {}, { 'idempotency-key': 'k-3' })).rejects.toMatchObject({ status: 500 });
    expect(b.fetch).toHaveBeenCalledTimes(1);
    // A read is safe to repeat.
    const c = client([() => overloaded('1'), () => new Response('{"items":[]}', { status: 200 })]);
    await expect(c.api.get('/occurrences')).resolves.toEqual({ items: [] });
    expect(c.fetch).toHaveBeenCalledTimes(2);
  });
});
