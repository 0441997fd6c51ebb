import { describe, expect, it } from 'vitest';
import { occurrence, syncSchedule, unit, unitEvent } from '../testing/fixtures';
import { countByStatus, UnitStore } from './unit-store';

const fix = (unitId: string, at: string, lat = 41.15, lon = -8.61) => ({ unitId, lat, lon, at, speedKmh: 30, headingDeg: 90 });

describe('UnitStore', () => {
  it('moves a unit only with a newer fix (a late or repeated one is ignored), and hears it as fresh', () => {
    const store = new UnitStore(syncSchedule);
    const u = unit({ stale: true });
    store.load([u]);
    expect(store.applyPositions({ positions: [fix(u.id, '2026-11-27T10:00:05.000Z', 41.151)] })).toBe(1);
    expect(store.get(u.id)?.position).toMatchObject({ lat: 41.151, headingDeg: 90, speedKmh: 30 });
    expect(store.get(u.id)?.stale).toBe(false);
    expect(store.applyPositions({ positions: [fix(u.id, '2026-11-27T10:00:05.000Z', 41.2), fix(u.id, '2026-11-27T10:00:01.000Z', 41.3)] })).toBe(0);
    expect(store.get(u.id)?.position?.lat).toBe(41.151);
    // A unit the console does not know (out of scope, or not loaded yet) is not invented.
    expect(store.applyPositions({ positions: [fix('unknown', '2026-11-27T10:00:09.000Z')] })).toBe(0);
    expect(store.size).toBe(1);
  });

  it('applies UNIT_* events by version: status and occurrence, never backwards', () => {
    const store = new UnitStore(syncSchedule);
    const u = unit({ version: 3 });
    const o = occurrence({ reference: 'OC-FIRE' });
    store.load([u]);
    expect(store.applyEvent(unitEvent('5.1', 'UNIT_DISPATCHED', u, 'DISPATCHED', 4, o))).toBe(true);
    expect(store.get(u.id)).toMatchObject({ status: 'DISPATCHED', version: 4, occurrence: { id: o.id, reference: 'OC-FIRE' } });
    expect(store.onOccurrence(o.id).map((x) => x.id)).toEqual([u.id]);
    // A replay of an older change does nothing.
    expect(store.applyEvent(unitEvent('4.1', 'UNIT_STATUS_CHANGED', u, 'UNAVAILABLE', 3))).toBe(false);
    expect(store.get(u.id)?.status).toBe('DISPATCHED');
    expect(store.applyEvent(unitEvent('6.1', 'UNIT_RELEASED', u, 'AVAILABLE', 5, o))).toBe(true);
    expect(store.get(u.id)).toMatchObject({ status: 'AVAILABLE', occurrence: null });
  });

  it('a snapshot keeps what the feed brought meanwhile when newer, and drops units no longer listed', () => {
    const store = new UnitStore(syncSchedule);
    const a = unit();
    const b = unit();
    store.load([a, b]);
    store.applyEvent(unitEvent('7.1', 'UNIT_STATUS_CHANGED', a, 'UNAVAILABLE', 2));
    store.applyPositions({ positions: [fix(a.id, '2026-11-27T10:05:00.000Z', 41.16)] });
    // The snapshot was read before both changes.
    store.load([{ ...a, position: { ...a.position!, at: '2026-11-27T10:01:00.000Z' } }]);
    expect(store.get(a.id)).toMatchObject({ status: 'UNAVAILABLE', version: 2, position: { lat: 41.16 } });
    expect(store.get(b.id)).toBeUndefined();
  });

  it('greys a unit heard on the feed once it falls silent for the stale time', () => {
    const store = new UnitStore(syncSchedule, 5 * 60_000);
    const u = unit();
    store.load([u]);
    store.applyPositions({ positions: [fix(u.id, '2026-11-27T10:10:00.000Z')] });
    expect(store.refreshStale(Date.parse('2026-11-27T10:14:00.000Z'))).toBe(false);
    expect(store.refreshStale(Date.parse('2026-11-27T10:15:01.000Z'))).toBe(true);
    expect(store.get(u.id)?.stale).toBe(true);
  });

  it('counts units by status per department', () => {
    const counts = countByStatus([unit(), unit({ status: 'DISPATCHED' }), unit({ status: 'DISPATCHED', stale: true }), unit({ department: 'POLICE', kind: 'PATROL_CAR', status: 'UNAVAILABLE' })]);
    expect(counts.get('FIRE')).toMatchObject({ AVAILABLE: 1, DISPATCHED: 2, ON_SCENE: 0, UNAVAILABLE: 0, total: 3, stale: 1 });
    expect(counts.get('POLICE')).toMatchObject({ UNAVAILABLE: 1, total: 1 });
  });
});
