import { describe, expect, it, vi } from 'vitest';
import { asset, syncSchedule } from '../testing/fixtures';
import { AssetStore } from './asset-store';

describe('AssetStore', () => {
  it('applies a live status change only when newer, and tells its listeners', () => {
    const store = new AssetStore(syncSchedule);
    const cam = asset();
    store.load([cam]);
    const told = vi.fn();
    store.subscribe(told);
    const fault = { ...cam, status: 'FAULT' as const, version: 2, statusChangedAt: '2026-11-27T10:00:00.000Z' };
    expect(store.apply({ assets: [fault] })).toBe(1);
    expect(store.get(cam.id)?.status).toBe('FAULT');
    expect(told).toHaveBeenCalledTimes(1);
    // The same message again, or an older one: nothing changes.
    expect(store.apply({ assets: [fault, cam] })).toBe(0);
    expect(store.get(cam.id)?.status).toBe('FAULT');
    expect(told).toHaveBeenCalledTimes(1);
  });

  it('keeps a newer version seen on the feed over an older snapshot (a reconnection racing a change)', () => {
    const store = new AssetStore(syncSchedule);
    const cam = asset();
    const other = asset({ kind: 'TRAFFIC_LIGHT', code: 'TL-001' });
    store.load([cam, other]);
    store.apply({ assets: [{ ...cam, status: 'OFFLINE', version: 3 }] });
    store.load([{ ...cam, version: 2, status: 'FAULT' }]);
    expect(store.get(cam.id)).toMatchObject({ status: 'OFFLINE', version: 3 });
    // Gone from the registry: gone from the store.
    expect(store.get(other.id)).toBeUndefined();
    expect(store.size).toBe(1);
  });

  it('changes its structure revision (the map re-clusters) for new or moved assets, not for a status change', () => {
    const store = new AssetStore(syncSchedule);
    const cam = asset();
    store.load([cam]);
    const r = store.structureRevision;
    store.apply({ assets: [{ ...cam, status: 'FAULT', version: 2 }] });
    expect(store.structureRevision).toBe(r);
    store.apply({ assets: [{ ...cam, version: 3, location: { lat: 41.15, lon: -8.61 } }] });
    expect(store.structureRevision).toBe(r + 1);
    store.apply({ assets: [asset({ kind: 'BOLLARD', code: 'BOL-001' })] });
    expect(store.structureRevision).toBe(r + 2);
  });

  it('counts each layer and its assets not OK (sensors of every kind in one layer)', () => {
    const store = new AssetStore(syncSchedule);
    store.load([
      asset(),
      asset({ status: 'FAULT' }),
      asset({ kind: 'FLOOD_SENSOR', status: 'OFFLINE' }),
      asset({ kind: 'NOISE_SENSOR' }),
      asset({ kind: 'BOLLARD', status: 'MAINTENANCE' }),
    ]);
    expect(store.countByLayer()).toEqual({
      CAMERA: { total: 2, notOk: 1 },
      TRAFFIC_LIGHT: { total: 0, notOk: 0 },
      BOLLARD: { total: 1, notOk: 1 },
      SENSOR: { total: 2, notOk: 1 },
    });
  });
});
