import { render, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { UnitView } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { AssetStore } from '../assets/asset-store';
import { asset, syncSchedule, unit } from '../testing/fixtures';
import { UnitStore } from '../units/unit-store';
import { LiveProvider } from './live-context';
import type { LiveSocket } from './live-feed';
import { OccurrenceStore } from './occurrence-store';

/** The server's side of the socket, played by the test. */
function fakeSocket() {
  const handlers = new Map<string, Array<(...a: unknown[]) => void>>();
  const socket = {
    connected: false,
    on(ev: string, fn: (...a: unknown[]) => void) {
      handlers.set(ev, [...(handlers.get(ev) ?? []), fn]);
      return socket;
    },
    emit(ev: string, ...a: unknown[]) {
      handlers.get(ev)?.forEach((fn) => fn(...a));
    },
    timeout: () => socket,
    emitWithAck: async (_ev: string, req: { after: string }) => ({ ok: true, replayed: 0, reload: false, position: req.after }),
    removeAllListeners: () => handlers.clear(),
    disconnect: () => socket,
    connect: () => socket,
  };
  return socket;
}

describe('LiveProvider and the fleet', () => {
  it('reads GET /units at every connection, and again (once) for a unit it does not know', async () => {
    const known = unit();
    const added = unit({ callsign: 'VUCI 09' });
    let fleet: UnitView[] = [known];
    const get = vi.fn(async (path: string) => (path === '/units' ? fleet : { items: [], nextCursor: null }));
    const api = { get, post: vi.fn() } as unknown as ApiClient;
    const socket = fakeSocket();
    const units = new UnitStore(syncSchedule);
    render(
      <LiveProvider api={api} token={() => 't'} store={new OccurrenceStore(syncSchedule)} units={units} connect={() => socket as unknown as LiveSocket}>
        <span />
      </LiveProvider>,
    );
    const unitReads = (): number => get.mock.calls.filter((c) => c[0] === '/units').length;
    socket.connected = true;
    socket.emit('connect');
    await waitFor(() => expect(units.get(known.id)).toBeDefined());
    expect(unitReads()).toBe(1);

    // A fix of a unit added since: the fleet is read again and the fix's unit appears.
    fleet = [known, added];
    socket.emit('units:positions', { positions: [{ unitId: added.id, lat: 41.15, lon: -8.61, at: '2026-11-27T10:30:00.000Z', speedKmh: 10, headingDeg: 0 }] });
    await waitFor(() => expect(units.get(added.id)).toBeDefined());
    expect(unitReads()).toBe(2);

    // A reconnection reads it again (positions sent meanwhile are not replayed).
    socket.emit('disconnect', 'transport close');
    socket.emit('connect');
    await waitFor(() => expect(unitReads()).toBe(3));
  });
});

describe('LiveProvider and the assets', () => {
  it('reads GET /assets at every connection and applies assets:status in between', async () => {
    const light = asset({ kind: 'TRAFFIC_LIGHT', code: 'SEM-09', camera: null });
    let registry = [light];
    const get = vi.fn(async (path: string) => (path === '/assets' ? { items: registry, nextCursor: null } : path === '/units' ? [] : { items: [], nextCursor: null }));
    const api = { get, post: vi.fn() } as unknown as ApiClient;
    const socket = fakeSocket();
    const assets = new AssetStore(syncSchedule);
    render(
      <LiveProvider api={api} token={() => 't'} store={new OccurrenceStore(syncSchedule)} units={new UnitStore(syncSchedule)} assets={assets} connect={() => socket as unknown as LiveSocket}>
        <span />
      </LiveProvider>,
    );
    const reads = (): number => get.mock.calls.filter((c) => c[0] === '/assets').length;
    socket.connected = true;
    socket.emit('connect');
    await waitFor(() => expect(assets.get(light.id)?.status).toBe('OK'));
    expect(reads()).toBe(1);

    socket.emit('assets:status', { assets: [{ ...light, status: 'FAULT', version: 2 }] });
    expect(assets.get(light.id)?.status).toBe('FAULT');

    // Offline meanwhile: the change to OFFLINE was not replayed; the reconnection reads the registry again.
    socket.emit('disconnect', 'transport close');
    registry = [{ ...light, status: 'OFFLINE', version: 3 }];
    socket.emit('connect');
    await waitFor(() => expect(assets.get(light.id)?.status).toBe('OFFLINE'));
    expect(reads()).toBe(2);
  });
});
