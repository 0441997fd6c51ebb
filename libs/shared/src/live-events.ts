import type { OccurrenceEventView, OccurrenceView } from './occurrence';
import type { LiveAssetStatus } from './assets';
import type { LiveUnitPositions } from './units';

/**
 * The live feed's typed event map (Socket.IO namespace `/live`), used by the API gateway
 * and by the console. Every message carries the event log's global position; positions
 * strictly increase on a socket (see LiveCursor in live-cursor.ts to de-duplicate).
 *
 * Protocol (docs/api.md "Live feed (Socket.IO)"):
 * 1. connect with `auth: LiveHandshakeAuth` (the REST access token; optionally `after`);
 * 2. with `after` (or after `feed:resume`), the server replays what the socket missed, filtered
 *    by its rights, then continues live without gap or duplicate;
 * 3. `feed:heartbeat` keeps an idle socket's resume point fresh;
 * 4. `feed:reload`: too far behind (or too slow): fetch a snapshot over REST, then `feed:resume`
 *    from the given position. Until then the server sends nothing more on that socket.
 */
export interface LiveOccurrenceEvent {
  /** The event as written to the log (position, type, actor, departments, payload). */
  event: OccurrenceEventView;
  /**
   * The occurrence as it is when the event is delivered (at least as new as the event: compare
   * `version` to keep the newest); null for city-level events. Never contains reporter contact data.
   */
  occurrence: OccurrenceView | null;
}

/** `auth` of the Socket.IO handshake. */
export interface LiveHandshakeAuth {
  /** The same access token as REST (a VIEWER token for the videowall). */
  token: string;
  /** Resume at once from this position (same as sending `feed:resume` right after connecting). */
  after?: string;
}

export interface LiveHeartbeat {
  /** The newest position this socket has been brought up to, even when nothing concerned it. */
  position: string;
  at: string;
}

export interface LiveReload {
  /** Too far behind to replay: fetch a fresh snapshot over REST, then resume from `position`. */
  reason: string;
  position: string;
}

export interface LiveResumeRequest {
  /** The last position the client processed ("0.0" for none). */
  after: string;
}

export interface LiveResumeAck {
  ok: boolean;
  /** How many events were replayed before live delivery resumed. */
  replayed: number;
  /** True when the client must reload a snapshot instead (see LiveReload). */
  reload: boolean;
  position: string;
  /** Why `ok` is false (e.g. a malformed position). */
  error?: string;
}

export interface LiveWatchRequest {
  occurrenceId: string;
}

export interface LiveWatchAck {
  ok: boolean;
  error?: string;
}

export interface LiveServerEvents {
  'occurrence:event': (e: LiveOccurrenceEvent) => void;
  'feed:heartbeat': (h: LiveHeartbeat) => void;
  'feed:reload': (r: LiveReload) => void;
  /**
   * AVL positions of the units this socket may see, coalesced: at most one position per unit per
   * second. Telemetry, not events: no position in the log, no replay (a reconnecting console reads
   * `GET /api/v1/units`); unit status changes arrive as `occurrence:event` (UNIT_* types).
   */
  'units:positions': (p: LiveUnitPositions) => void;
  /**
   * Assets whose status changed (issue 15), sent after the change is committed, to every logged-in
   * console. Not replayed: a reconnecting console re-reads `GET /api/v1/assets`. Fault occurrences
   * arrive as `occurrence:event` like any other.
   */
  'assets:status': (p: LiveAssetStatus) => void;
}

export interface LiveClientEvents {
  'feed:resume': (req: LiveResumeRequest, ack: (r: LiveResumeAck) => void) => void;
  'occurrence:watch': (req: LiveWatchRequest, ack: (r: LiveWatchAck) => void) => void;
  'occurrence:unwatch': (req: LiveWatchRequest) => void;
}

export const LIVE_NAMESPACE = '/live';

/** The position before the first event. */
export const LIVE_START_POSITION = '0.0';
