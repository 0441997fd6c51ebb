import { DEFAULT_UNIT_RULES } from './default-unit-rules';
import { checkUnitKind, FALLBACK_SPEED_KMH, kindSpeedKmh, rankProposals, unitEtaSeconds, type ProposalCandidate } from './unit-fleet';

const occurrence = { lat: 41.1486, lon: -8.6109 }; // Aliados

describe('checkUnitKind', () => {
  it('accepts a kind its department may own', () => {
    expect(checkUnitKind(DEFAULT_UNIT_RULES, 'ENGINE', 'FIRE')).toEqual([]);
    expect(checkUnitKind(DEFAULT_UNIT_RULES, 'CREW_VAN', 'ENVIRONMENT')).toEqual([]);
    expect(checkUnitKind(DEFAULT_UNIT_RULES, 'TOW_TRUCK', 'MOBILITY')).toEqual([]);
  });

  it('refuses a kind of another department, naming the field and the owners', () => {
    const errors = checkUnitKind(DEFAULT_UNIT_RULES, 'ENGINE', 'MOBILITY');
    expect(errors).toEqual([{ field: 'kind', message: 'ENGINE units belong to FIRE, not MOBILITY' }]);
  });

  it('refuses a kind outside the catalogue, under the field the caller names', () => {
    const [e] = checkUnitKind(DEFAULT_UNIT_RULES, 'SUBMARINE', 'FIRE', 'units[2].kind');
    expect(e.field).toBe('units[2].kind');
    expect(e.message).toContain('not a unit kind');
  });
});

describe('speed and ETA per kind', () => {
  it('uses the kind mean speed, and a fallback for a kind the rule set dropped', () => {
    expect(kindSpeedKmh(DEFAULT_UNIT_RULES, 'SWEEPER')).toBe(15);
    expect(kindSpeedKmh(DEFAULT_UNIT_RULES, 'HOVERCRAFT')).toBe(FALLBACK_SPEED_KMH);
    expect(unitEtaSeconds(DEFAULT_UNIT_RULES, 'ENGINE', 3500)).toBe(360);
    expect(unitEtaSeconds(DEFAULT_UNIT_RULES, 'SWEEPER', 3500)).toBe(840);
  });
});

describe('rankProposals', () => {
  const c = (code: string, kind: string, lat: number, lon: number, distanceMeters: number | null = null): ProposalCandidate => ({
    id: code, code, kind, at: { lat, lon }, distanceMeters,
  });
  const candidates = [
    c('FAR', 'ENGINE', 41.17, -8.61),
    c('NEAR', 'LADDER', 41.149, -8.6109),
    c('MID', 'ENGINE', 41.155, -8.6109),
  ];

  it('orders nearest first with distance and the kind ETA', () => {
    const ranked = rankProposals(candidates, occurrence, DEFAULT_UNIT_RULES, { limit: 3 });
    expect(ranked.map((r) => r.candidate.code)).toEqual(['NEAR', 'MID', 'FAR']);
    expect(ranked[0].distanceMeters).toBeGreaterThan(35);
    expect(ranked[0].distanceMeters).toBeLessThan(55);
    expect(ranked[1].etaSeconds).toBe(Math.round(ranked[1].distanceMeters / (35 / 3.6)));
  });

  it('filters by kind and cuts at the limit', () => {
    expect(rankProposals(candidates, occurrence, DEFAULT_UNIT_RULES, { kind: 'ENGINE', limit: 1 }).map((r) => r.candidate.code)).toEqual(['MID']);
    expect(rankProposals(candidates, occurrence, DEFAULT_UNIT_RULES, { kind: 'SWEEPER', limit: 3 })).toEqual([]);
    expect(rankProposals(candidates, occurrence, DEFAULT_UNIT_RULES, { limit: 0 })).toEqual([]);
  });

  it('takes a distance measured by the database as is, and breaks ties by code', () => {
    const measured = [c('B', 'ENGINE', 0, 0, 1200.4), c('A', 'ENGINE', 0, 0, 1199.6), c('C', 'ENGINE', 0, 0, 50)];
    const ranked = rankProposals(measured, occurrence, DEFAULT_UNIT_RULES, { limit: 3 });
    expect(ranked.map((r) => [r.candidate.code, r.distanceMeters])).toEqual([['C', 50], ['A', 1200], ['B', 1200]]);
  });
});
