import { parseRetryAfter, retryDelay } from './retry';

describe('retrying a 503: the wait before the next attempt', () => {
  const p = { attempts: 6, baseMs: 250, maxMs: 10_000, random: () => 0.5 };

  it('backs off exponentially with up to 50 % jitter above the floor, capped', () => {
    expect([1, 2, 3, 4].map((a) => retryDelay(p, a, null))).toEqual([312.5, 625, 1250, 2500]);
    expect(retryDelay(p, 8, null)).toBe(10_000);
    expect(retryDelay({ ...p, random: () => 0 }, 2, null)).toBe(500);
  });

  it('waits at least the Retry-After', () => {
    expect(retryDelay(p, 1, 2000)).toBe(2500);
    expect(retryDelay({ ...p, random: () => 0 }, 3, 400)).toBe(1000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(0);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
