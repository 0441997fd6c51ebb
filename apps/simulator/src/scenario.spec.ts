import { between, interArrivalMs, rng, SCENARIOS, weighted } from './scenario';

describe('simulation scenarios', () => {
  it('repeats the same draws for the same seed', () => {
    const a = rng(42);
    const b = rng(42);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });

  it('draws categories in proportion to their weights', () => {
    const r = rng(7);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 20_000; i++) {
      const c = weighted({ A: 3, B: 1 }, r());
      counts[c] = (counts[c] ?? 0) + 1;
    }
    expect(counts.A / 20_000).toBeGreaterThan(0.72);
    expect(counts.A / 20_000).toBeLessThan(0.78);
  });

  it('arrives at the scenario rate on average (Poisson)', () => {
    const r = rng(3);
    const n = 20_000;
    let total = 0;
    for (let i = 0; i < n; i++) total += interArrivalMs(SCENARIOS.storm.ratePerHour, r());
    const perHour = n / (total / 3_600_000);
    expect(perHour).toBeGreaterThan(190);
    expect(perHour).toBeLessThan(210);
  });

  it('keeps delays inside their range', () => {
    const r = rng(1);
    for (let i = 0; i < 1000; i++) {
      const d = between(SCENARIOS.day.delays.acknowledge, r());
      expect(d).toBeGreaterThanOrEqual(5);
      expect(d).toBeLessThanOrEqual(90);
    }
  });

  it('the storm concentrates on civil-protection categories in Campanhã (journey 4)', () => {
    const s = SCENARIOS.storm;
    const cp = ['FLOODING', 'FALLEN_TREE', 'STORM_DAMAGE', 'LANDSLIDE', 'STRUCTURE_RISK'];
    const total = Object.values(s.categories).reduce((a, b) => a + b, 0);
    const cpWeight = cp.reduce((a, c) => a + (s.categories[c] ?? 0), 0);
    expect(cpWeight / total).toBeGreaterThan(0.5);
    expect(s.parishBias['131203']).toBeGreaterThan(0.3);
  });
});
