import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type LiveAssetStatus, type LiveClientEvents, type LiveOccurrenceEvent, type LiveResumeAck, type LiveServerEvents, type LiveUnitPositions } from '@cgi/shared';
import type { OccurrenceStore } from './occurrence-store';

export type FeedStatus = 'connecting' | 'live' | 'catching-up' | 'down';
export type LiveSocket = Socket<LiveServerEvents, LiveClientEvents>;

export interface LiveFeedOptions {
  /** The access token, asked at every (re)connection so a renewed token is used. */
  token: () => string | null;
  /** Loads a REST snapshot of the open occurrences into the store (beginSnapshot … finishSnapshot). */
  loadSnapshot: () => Promise<void>;
  onStatus: (s: FeedStatus) => void;
  onEvent?: (e: LiveOccurrenceEvent) => void;
  /** At every connection (first and re-connections): positions are not replayed, the fleet is read again. */
  onConnected?: () => void;
  /** AVL positions of units, coalesced by the server. */
  onUnitPositions?: (p: LiveUnitPositions) => void;
  /** Assets whose status changed (not replayed: the registry is read again at every connection, onConnected). */
  onAssetStatus?: (p: LiveAssetStatus) => void;
  /** For tests: the socket factory. */
  connect?: (auth: (cb: (data: object) => void) => void) => LiveSocket;
}

const RESUME_TIMEOUT_MS = 10_000;
/** After the server closed the socket (its token expired, or the account was disabled): one new try, with a fresh token. */
const RECONNECT_AFTER_SERVER_CLOSE_MS = 1000;

/**
 * The console's side of the live feed (Socket.IO namespace /live, typed by libs/shared live-events.ts).
 * No polling: the snapshot is loaded once the socket is connected (so nothing falls between the
 * two), then every change arrives as an event. After a
 * reconnection it asks the server to replay from the last position it processed ('feed:resume');
 * when the server says that is too far back ('feed:reload' or reload in the ack) it reloads the
 * snapshot and resumes from the position the server gave — also when the console's position is beyond
 * the server's log (another database, one restored from a backup): the position goes back to the
 * server's. The server sends both the event and the ack's `reload`: one reload is done.
 * When the server closes the socket (token expired, account disabled), one new connection is tried
 * with the current token; a refused one (connect_error) leaves the feed down.
 */
export class LiveFeed {
  private socket: LiveSocket | null = null;
  private status: FeedStatus = 'connecting';
  private stopped = false;
  /** The position a snapshot reload is under way for (a second request for it is the same reload). */
  private reloadingTo: string | null = null;
  /** Reloads begun: a resume's answer is stale when one began after the resume was sent. */
  private reloads = 0;

  constructor(
    private readonly store: OccurrenceStore,
    private readonly opts: LiveFeedOptions,
  ) {}

  start(): void {
    const auth = (cb: (data: object) => void): void => cb({ token: this.opts.token() ?? '' });
    const socket = this.opts.connect
      ? this.opts.connect(auth)
      : (io(LIVE_NAMESPACE, { auth, transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 5000 }) as LiveSocket);
    this.socket = socket;
    socket.on('connect', () => void this.onConnect());
    socket.on('disconnect', (reason) => {
      this.setStatus('down');
      // Socket.IO does not reconnect by itself when the server closed the socket.
      if (reason === 'io server disconnect') {
        setTimeout(() => {
          if (!this.stopped && this.socket === socket) socket.connect();
        }, RECONNECT_AFTER_SERVER_CLOSE_MS);
      }
    });
    socket.on('connect_error', () => this.setStatus('down'));
    socket.on('occurrence:event', (e) => {
      if (this.store.apply(e)) this.opts.onEvent?.(e);
    });
    socket.on('units:positions', (p) => this.opts.onUnitPositions?.(p));
    socket.on('assets:status', (p) => this.opts.onAssetStatus?.(p));
    socket.on('feed:heartbeat', (h) => this.store.advance(h.position));
    socket.on('feed:reload', (r) => void this.reload(r.position));
  }

  stop(): void {
    this.stopped = true;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  private setStatus(s: FeedStatus): void {
    if (this.stopped || s === this.status) return;
    this.status = s;
    this.opts.onStatus(s);
  }

  private async onConnect(): Promise<void> {
    this.opts.onConnected?.();
    const after = this.store.position;
    if (after === null) {
      // First connection: live delivery starts now, so a snapshot loaded from now on misses nothing;
      // events that race it are merged by version.
      this.setStatus('catching-up');
      try {
        await this.opts.loadSnapshot();
        this.setStatus(this.socket?.connected ? 'live' : 'down');
      } catch {
        this.setStatus('down');
      }
      return;
    }
    this.setStatus('catching-up');
    await this.resume(after);
  }

  private async resume(after: string): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    const reloads = this.reloads;
    try {
      const ack: LiveResumeAck = await socket.timeout(RESUME_TIMEOUT_MS).emitWithAck('feed:resume', { after });
      // The server's 'feed:reload' for this resume came first and a reload is under way (or done).
      if (this.reloads !== reloads) return;
      if (ack.reload) return this.reload(ack.position);
      this.store.advance(ack.position);
      this.setStatus(socket.connected ? 'live' : 'down');
    } catch {
      // No answer: treat the feed as down and let Socket.IO reconnect.
      this.setStatus('down');
      socket.disconnect().connect();
    }
  }

  private async reload(position: string): Promise<void> {
    if (this.reloadingTo === position) return;
    this.reloadingTo = position;
    this.reloads++;
    try {
      this.setStatus('catching-up');
      await this.opts.loadSnapshot();
      // May move the position back (the console was beyond the server's log).
      this.store.resetPosition(position);
    } finally {
      this.reloadingTo = null;
    }
    await this.resume(position);
  }
}
