import { UnitPositionsCoalescer, type CoalescerClock, type FanoutPosition } from './unit-positions.coalescer';

/** A clock the test moves by hand: timers fire only when `advance` passes them. */
class ManualClock implements CoalescerClock {
  t = 0;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now(): number {
    return this.t;
  }
  schedule(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return () => (timer.live = false);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.t = next.at;
      next.live = false;
      next.fn();
    }
    this.t = end;
  }
}

const fix = (unitId: string, second: number): FanoutPosition => ({
  unitId,
  department: 'FIRE',
  lat: 41.15,
  lon: -8.61,
  at: new Date(Date.UTC(2026, 0, 1, 12, 0, second)).toISOString(),
  speedKmh: null,
  headingDeg: null,
});

describe('UnitPositionsCoalescer', () => {
  let clock: ManualClock;
  let sent: Array<{ t: number; positions: string[] }>;
  let c: UnitPositionsCoalescer;
  beforeEach(() => {
    clock = new ManualClock();
    sent = [];
    c = new UnitPositionsCoalescer((p) => sent.push({ t: clock.t, positions: p.map((x) => `${x.unitId}@${x.at.slice(17, 19)}`) }), { intervalMs: 1000, gatherMs: 20 }, clock);
  });

  it('sends a quiet unit at once (after the gather), in one message with the others due', () => {
    c.offer(fix('a', 0));
    c.offer(fix('b', 0));
    expect(sent).toEqual([]);
    clock.advance(20);
    expect(sent).toEqual([{ t: 20, positions: ['a@00', 'b@00'] }]);
  });

  it('a unit reporting every 5 s gets every fix through at the leading edge', () => {
    for (let s = 0; s < 20; s += 5) {
      c.offer(fix('a', s));
      clock.advance(20);
      clock.advance(4980);
    }
    expect(sent.map((m) => m.positions[0])).toEqual(['a@00', 'a@05', 'a@10', 'a@15']);
    expect(sent.map((m) => m.t % 5000)).toEqual([20, 20, 20, 20]);
  });

  it('holds the fixes within the second and sends the newest when it ends: at most one per unit per second', () => {
    c.offer(fix('a', 0));
    clock.advance(20);
    c.offer(fix('a', 1));
    clock.advance(100);
    c.offer(fix('a', 2));
    clock.advance(100);
    c.offer(fix('a', 3));
    expect(sent).toHaveLength(1);
    clock.advance(800);
    expect(sent).toEqual([
      { t: 20, positions: ['a@00'] },
      { t: 1020, positions: ['a@03'] },
    ]);
    for (let i = 1; i < sent.length; i++) expect(sent[i].t - sent[i - 1].t).toBeGreaterThanOrEqual(1000);
  });

  it('drops a fix older than one already seen (positions come from several nodes in any order)', () => {
    c.offer(fix('a', 5));
    c.offer(fix('a', 4));
    c.offer(fix('a', 5));
    clock.advance(20);
    clock.advance(2000);
    c.offer(fix('a', 3));
    clock.advance(2000);
    expect(sent).toEqual([{ t: 20, positions: ['a@05'] }]);
  });

  it('a newer fix replaces one still gathering', () => {
    c.offer(fix('a', 1));
    clock.advance(10);
    c.offer(fix('a', 2));
    clock.advance(10);
    expect(sent).toEqual([{ t: 20, positions: ['a@02'] }]);
  });
});
