import { chooseBatch, DurationEstimate, waitCutoff } from './deadline-admission';

describe('DurationEstimate', () => {
  it('expects nothing before a batch ran, then the first duration with a wide deviation', () => {
    const e = new DurationEstimate();
    expect(e.expected).toBe(0);
    e.observe(20);
    expect(e.expected).toBe(40); // 20 + 2 × 10
  });

  it('converges on a steady duration and follows a slower database within a few batches', () => {
    const e = new DurationEstimate();
    for (let i = 0; i < 60; i++) e.observe(10);
    expect(e.expected).toBeCloseTo(10, 1);
    for (let i = 0; i < 4; i++) e.observe(50);
    expect(e.expected).toBeGreaterThan(50);
    for (let i = 0; i < 80; i++) e.observe(50);
    expect(e.expected).toBeCloseTo(50, 0);
  });

  it('ignores durations that are not one (negative, NaN, infinite)', () => {
    const e = new DurationEstimate();
    e.observe(-1);
    e.observe(Number.NaN);
    e.observe(Number.POSITIVE_INFINITY);
    expect(e.expected).toBe(0);
  });
});

describe('waitCutoff', () => {
  it('is the budget minus the batch duration expected', () => {
    expect(waitCutoff(50, 0)).toBe(50);
    expect(waitCutoff(50, 20)).toBe(30);
  });

  it('never falls below half the budget, so a stall that inflates the estimate cannot refuse everything', () => {
    expect(waitCutoff(50, 40)).toBe(25);
    expect(waitCutoff(50, 5000)).toBe(25);
  });
});

describe('chooseBatch', () => {
  it('without a budget takes the oldest maxBatch items and refuses none', () => {
    expect(chooseBatch([900, 500, 10, 1], 3, undefined, 1000)).toEqual({ take: [0, 1, 2], refuse: [] });
  });

  it('refuses the items that waited past the cut-off and takes the others, in arrival order', () => {
    // budget 50, batch expected 20 ms: an item may have waited 30 ms.
    expect(chooseBatch([45, 31, 30, 12, 2], 8, 50, 20)).toEqual({ take: [2, 3, 4], refuse: [0, 1] });
  });

  it('under a backlog takes the newest maxBatch of the items still in time and leaves the older ones queued', () => {
    expect(chooseBatch([29, 20, 15, 8, 3], 2, 50, 20)).toEqual({ take: [3, 4], refuse: [] });
  });

  it('takes the items with no deadline first, never refusing them, then the newest of the others', () => {
    const none = Number.NEGATIVE_INFINITY;
    expect(chooseBatch([none, 29, 20, none, 3, 90], 3, 50, 20)).toEqual({ take: [0, 3, 4], refuse: [5] });
    expect(chooseBatch([none, none, none, 3], 2, 50, 20)).toEqual({ take: [0, 1], refuse: [] });
  });

  it('takes nothing when every item is past the cut-off', () => {
    expect(chooseBatch([80, 60], 8, 50, 0)).toEqual({ take: [], refuse: [0, 1] });
  });
});
