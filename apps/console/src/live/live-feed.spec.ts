import { describe, expect, it, vi } from 'vitest';
import type { LiveResumeAck } from '@cgi/shared';
import { liveEvent, occurrence, syncSchedule } from '../testing/fixtures';
import { LiveFeed, type FeedStatus, type LiveSocket } from './live-feed';
import { OccurrenceStore } from './occurrence-store';

/** A stand-in for the Socket.IO client: the test plays the server. */
class FakeSocket {
  handlers = new Map<string, Array<(...a: unknown[]) => void>>();
  connected = false;
  resumes: string[] = [];
  /** The server's answers to the next resumes, in order (then a plain ok). */
  acks: LiveResumeAck[] = [];
  /** Plays the server's side of a resume before it answers (e.g. emitting 'feed:reload'). */
  onResume?: (after: string) => void;
  connects = 0;
  on(ev: string, fn: (...a: unknown[]) => void): this {
    this.handlers.set(ev, [...(this.handlers.get(ev) ?? []), fn]);
    return this;
  }
  emit(ev: string, ...a: unknown[]): void {
    this.handlers.get(ev)?.forEach((fn) => fn(...a));
  }
  timeout(): this {
    return this;
  }
  async emitWithAck(_ev: string, req: { after: string }): Promise<LiveResumeAck> {
    this.resumes.push(req.after);
    this.onResume?.(req.after);
    return this.acks.shift() ?? { ok: true, replayed: 0, reload: false, position: req.after };
  }
  removeAllListeners(): void {
    this.handlers.clear();
  }
  disconnect(): this {
    return this;
  }
  connect(): this {
    this.connects++;
    return this;
  }
}

function setup() {
  const socket = new FakeSocket();
  const store = new OccurrenceStore(syncSchedule);
  const statuses: FeedStatus[] = [];
  const loadSnapshot = vi.fn(async () => {
    store.beginSnapshot();
    store.finishSnapshot([]);
  });
  const feed = new LiveFeed(store, { token: () => 't', loadSnapshot, onStatus: (s) => statuses.push(s), connect: () => socket as unknown as LiveSocket });
  feed.start();
  const connect = async (): Promise<void> => {
    socket.connected = true;
    socket.emit('connect');
    await new Promise((r) => setTimeout(r, 0));
  };
  return { socket, store, statuses, loadSnapshot, connect };
}

describe('LiveFeed', () => {
  it('loads the snapshot once connected, then goes live', async () => {
    const { statuses, loadSnapshot, connect, socket } = setup();
    await connect();
    expect(loadSnapshot).toHaveBeenCalledTimes(1);
    expect(socket.resumes).toEqual([]);
    expect(statuses.at(-1)).toBe('live');
  });

  it('shows the feed down on disconnect and resumes from the last position on reconnect', async () => {
    const { socket, store, statuses, loadSnapshot, connect } = setup();
    await connect();
    socket.emit('occurrence:event', liveEvent('42.3', occurrence()));
    socket.connected = false;
    socket.emit('disconnect');
    expect(statuses.at(-1)).toBe('down');
    socket.acks.push({ ok: true, replayed: 2, reload: false, position: '42.9' });
    await connect();
    expect(socket.resumes).toEqual(['42.3']);
    expect(loadSnapshot).toHaveBeenCalledTimes(1);
    expect(store.position).toBe('42.9');
    expect(statuses.at(-1)).toBe('live');
  });

  it('reloads the snapshot when the server says the gap is too long, then resumes from its position', async () => {
    const { socket, store, loadSnapshot, connect } = setup();
    await connect();
    store.advance('5.0');
    socket.acks.push({ ok: true, replayed: 0, reload: true, position: '900.1' });
    await connect();
    await new Promise((r) => setTimeout(r, 0));
    expect(loadSnapshot).toHaveBeenCalledTimes(2);
    expect(socket.resumes).toEqual(['5.0', '900.1']);
  });

  it('a position beyond the server\'s log: reloads once (event and ack), goes back to the server\'s head and resumes from it', async () => {
    const { socket, store, statuses, loadSnapshot, connect } = setup();
    await connect();
    socket.emit('feed:heartbeat', { position: '99999999.1', at: new Date().toISOString() });
    socket.connected = false;
    socket.emit('disconnect', 'transport close');
    // Like the gateway: 'feed:reload' is emitted, then the ack says reload, both with the head.
    socket.onResume = (after) => {
      if (after === '99999999.1') socket.emit('feed:reload', { reason: 'position is beyond the head of the event log', position: '900.1' });
    };
    socket.acks.push({ ok: true, replayed: 0, reload: true, position: '900.1' });
    await connect();
    await new Promise((r) => setTimeout(r, 0));
    expect(loadSnapshot).toHaveBeenCalledTimes(2);
    expect(socket.resumes).toEqual(['99999999.1', '900.1']);
    expect(store.position).toBe('900.1');
    expect(statuses.at(-1)).toBe('live');
  });

  it('when the server closes the socket it tries once to connect again; a client-side close does not', async () => {
    const { socket, statuses, connect } = setup();
    await connect();
    vi.useFakeTimers();
    try {
      socket.connected = false;
      socket.emit('disconnect', 'io server disconnect');
      expect(statuses.at(-1)).toBe('down');
      await vi.advanceTimersByTimeAsync(1000);
      expect(socket.connects).toBe(1);
      socket.emit('disconnect', 'io client disconnect');
      await vi.advanceTimersByTimeAsync(5000);
      expect(socket.connects).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads the fleet again at every connection and passes units:positions on', async () => {
    const socket = new FakeSocket();
    const store = new OccurrenceStore(syncSchedule);
    const onConnected = vi.fn();
    const onUnitPositions = vi.fn();
    const feed = new LiveFeed(store, {
      token: () => 't',
      loadSnapshot: async () => store.finishSnapshot([]),
      onStatus: () => undefined,
      onConnected,
      onUnitPositions,
      connect: () => socket as unknown as LiveSocket,
    });
    feed.start();
    socket.connected = true;
    socket.emit('connect');
    await new Promise((r) => setTimeout(r, 0));
    const batch = { positions: [{ unitId: 'u1', lat: 41.15, lon: -8.61, at: '2026-11-27T10:00:00.000Z', speedKmh: 20, headingDeg: 45 }] };
    socket.emit('units:positions', batch);
    expect(onUnitPositions).toHaveBeenCalledWith(batch);
    socket.emit('occurrence:event', liveEvent('1.1', occurrence()));
    socket.emit('disconnect', 'transport close');
    socket.emit('connect');
    await new Promise((r) => setTimeout(r, 0));
    expect(onConnected).toHaveBeenCalledTimes(2);
    feed.stop();
  });
});
