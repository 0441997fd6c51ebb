import { DEFAULT_UNIT_RULES } from './default-unit-rules';
import { checkPosition, distanceMeters, etaSeconds, isNewerFix, isStale, unitKind, withinOnSceneRadius, type PositionLimits } from './unit-position';

const PORTO = { lat: 41.1579, lon: -8.6291 };
const limits: PositionLimits = { centre: PORTO, maxDistanceKm: 25, maxClockSkewSeconds: 30, maxAgeHours: 24 };
const now = new Date('2026-12-03T14:00:00Z');

describe('distance and ETA', () => {
  it('measures Aliados to Campanhã station (about 2.1 km) like PostGIS does on the sphere', () => {
    const aliados = { lat: 41.1486, lon: -8.6109 };
    const campanha = { lat: 41.1486, lon: -8.5853 };
    expect(distanceMeters(aliados, campanha)).toBeGreaterThan(2100);
    expect(distanceMeters(aliados, campanha)).toBeLessThan(2160);
    expect(distanceMeters(aliados, aliados)).toBe(0);
  });

  it('turns distance into seconds at the kind mean speed', () => {
    expect(etaSeconds(3500, 35)).toBe(360);
    expect(etaSeconds(0, 35)).toBe(0);
    expect(etaSeconds(1, 200)).toBe(1);
  });

  it('finds kinds in the catalogue', () => {
    expect(unitKind(DEFAULT_UNIT_RULES, 'ENGINE')?.departments).toEqual(['FIRE']);
    expect(unitKind(DEFAULT_UNIT_RULES, 'SUBMARINE')).toBeUndefined();
  });
});

describe('stale and geofence', () => {
  it('is stale with no fix, or one older than the threshold', () => {
    expect(isStale(null, now, 5)).toBe(true);
    expect(isStale('2026-12-03T13:56:00Z', now, 5)).toBe(false);
    expect(isStale('2026-12-03T13:54:59Z', now, 5)).toBe(true);
  });

  it('proposes on scene within the radius only', () => {
    const occ = { lat: 41.1486, lon: -8.6109 };
    expect(withinOnSceneRadius({ lat: 41.1493, lon: -8.6109 }, occ, 100)).toBe(true); // ~78 m north
    expect(withinOnSceneRadius({ lat: 41.1500, lon: -8.6109 }, occ, 100)).toBe(false); // ~156 m
  });
});

describe('checkPosition', () => {
  const good = { lat: 41.15, lon: -8.61, at: '2026-12-03T13:59:55Z', speedKmh: 42, headingDeg: 90 };

  it('accepts a good fix and types it', () => {
    const r = checkPosition(good, limits, now);
    expect(r).toEqual({ ok: true, position: { lat: 41.15, lon: -8.61, at: new Date(good.at), speedKmh: 42, headingDeg: 90 } });
  });

  it('takes missing speed and heading as unknown', () => {
    const r = checkPosition({ lat: 41.15, lon: -8.61, at: '2026-12-03T15:59:55+02:00' }, limits, now);
    expect(r.ok && r.position.speedKmh === null && r.position.headingDeg === null).toBe(true);
  });

  it.each([
    [{ ...good, lat: 91 }, 'p.lat'],
    [{ ...good, lat: '41.15' }, 'p.lat'],
    [{ ...good, lon: Number.NaN }, 'p.lon'],
    [{ ...good, at: '2026-12-03 13:59:55' }, 'p.at'],
    [{ ...good, at: '2026-12-03T13:59:55' }, 'p.at'],
    [{ ...good, at: '2026-12-03T14:05:00Z' }, 'p.at'],
    [{ ...good, at: '2026-12-01T14:00:00Z' }, 'p.at'],
    [{ ...good, speedKmh: -1 }, 'p.speedKmh'],
    [{ ...good, headingDeg: 360 }, 'p.headingDeg'],
    [{ ...good, lat: 38.72, lon: -9.14 }, 'p.lat'], // Lisbon: outside the service area
    [{ ...good, altitude: 3 }, 'p.altitude'],
  ])('refuses %j naming %s', (raw, field) => {
    const r = checkPosition(raw, limits, now, 'p.');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toContain(field);
  });

  it('refuses what is not an object', () => {
    expect(checkPosition('41,-8', limits, now, 'positions[2].')).toEqual({ ok: false, errors: [{ field: 'positions[2]', message: 'must be an object' }] });
  });

  it('lets the caller allow its own keys', () => {
    expect(checkPosition({ ...good, unit: 'BSB-VUCI-01' }, limits, now, '', ['unit']).ok).toBe(true);
  });
});

describe('isNewerFix', () => {
  it('orders by the device timestamp: equal is a duplicate, older is out of order', () => {
    const t = new Date('2026-12-03T14:00:00Z');
    expect(isNewerFix(null, t)).toBe(true);
    expect(isNewerFix('2026-12-03T13:59:59Z', t)).toBe(true);
    expect(isNewerFix('2026-12-03T14:00:00Z', t)).toBe(false);
    expect(isNewerFix('2026-12-03T14:00:01Z', t)).toBe(false);
  });
});
