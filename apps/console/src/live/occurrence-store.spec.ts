import { describe, expect, it, vi } from 'vitest';
import { liveEvent, occurrence, syncSchedule } from '../testing/fixtures';
import { OccurrenceStore } from './occurrence-store';

describe('OccurrenceStore', () => {
  it('applies an event once: a replayed position is a duplicate', () => {
    const store = new OccurrenceStore(syncSchedule);
    const o = occurrence();
    expect(store.apply(liveEvent('10.1', o))).toBe(true);
    expect(store.apply(liveEvent('10.1', o))).toBe(false);
    expect(store.apply(liveEvent('9.5', { ...o, version: 9 }))).toBe(false);
    expect(store.get(o.id)?.version).toBe(1);
    expect(store.events).toHaveLength(1);
    expect(store.position).toBe('10.1');
  });

  it('never moves an occurrence back to an older version', () => {
    const store = new OccurrenceStore(syncSchedule);
    const o = occurrence();
    store.apply(liveEvent('10.1', { ...o, version: 3, status: 'ACKNOWLEDGED' }));
    store.apply(liveEvent('10.2', { ...o, version: 2, status: 'DISPATCHED' }));
    expect(store.get(o.id)?.status).toBe('ACKNOWLEDGED');
  });

  it('drops an occurrence from the open set when it is resolved, keeping it for the day', () => {
    const store = new OccurrenceStore(syncSchedule);
    const o = occurrence();
    store.apply(liveEvent('1.1', o));
    store.apply(liveEvent('1.2', { ...o, version: 2, status: 'RESOLVED' }, 'RESOLVED'));
    expect(store.size).toBe(0);
    expect(store.departedList().map((x) => x.id)).toEqual([o.id]);
  });

  it('keeps events that raced the snapshot when they are newer than it', () => {
    const store = new OccurrenceStore(syncSchedule);
    const a = occurrence();
    const b = occurrence();
    store.beginSnapshot();
    store.apply(liveEvent('5.1', { ...a, version: 2, status: 'ACKNOWLEDGED' }));
    store.apply(liveEvent('5.2', b));
    store.finishSnapshot([{ ...a, version: 1 }]);
    expect(store.get(a.id)?.status).toBe('ACKNOWLEDGED');
    expect(store.get(b.id)).toBeDefined();
    expect(store.size).toBe(2);
  });

  it('tells arrival listeners of a new open occurrence after the first load only', () => {
    const store = new OccurrenceStore(syncSchedule);
    const seen = vi.fn();
    store.onArrival(seen);
    store.beginSnapshot();
    store.apply(liveEvent('1.1', occurrence()));
    store.finishSnapshot([]);
    expect(seen).not.toHaveBeenCalled();
    const fresh = occurrence();
    store.apply(liveEvent('1.2', fresh, 'OCCURRENCE_CREATED'));
    store.apply(liveEvent('1.3', { ...fresh, version: 2 }, 'ACKNOWLEDGED'));
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen.mock.calls[0][0].id).toBe(fresh.id);
  });

  it('tells the map apart: a new place or membership rebuilds the clusters, a new priority only redraws, a note neither', () => {
    const store = new OccurrenceStore(syncSchedule);
    const o = occurrence();
    store.apply(liveEvent('2.1', o));
    const at = (): [number, number] => [store.structureRevision, store.appearanceRevision];
    let [s, a] = at();
    store.apply(liveEvent('2.2', { ...o, version: 2, updatedAt: '2026-11-27T10:01:00.000Z' }, 'NOTE_ADDED'));
    expect(at()).toEqual([s, a]);
    store.apply(liveEvent('2.3', { ...o, version: 3, priority: 'P1' }));
    expect(at()).toEqual([s, a + 1]);
    [s, a] = at();
    store.apply(liveEvent('2.4', { ...o, version: 4, priority: 'P1', escalationLevel: 'L2' }, 'ESCALATED'));
    expect(at()).toEqual([s, a + 1]);
    [s, a] = at();
    store.apply(liveEvent('2.5', { ...o, version: 5, priority: 'P1', escalationLevel: 'L2', location: { ...o.location, lat: 41.16 } }));
    expect(at()).toEqual([s + 1, a + 1]);
    [s, a] = at();
    store.apply(liveEvent('2.6', { ...o, version: 6, status: 'RESOLVED' }, 'RESOLVED'));
    expect(at()).toEqual([s + 1, a + 1]);
  });

  it('batches listener notifications', () => {
    const queued: Array<() => void> = [];
    const store = new OccurrenceStore((fn) => queued.push(fn));
    const listener = vi.fn();
    store.subscribe(listener);
    for (let i = 1; i <= 100; i++) store.apply(liveEvent(`7.${i}`, occurrence()));
    expect(queued).toHaveLength(1);
    queued[0]();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.size).toBe(100);
  });
});
