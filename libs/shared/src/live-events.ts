import type { OccurrenceEventView, OccurrenceView } from './occurrence';

/**
 * The live feed's typed event map (Socket.IO namespace `/live`), used by the API gateway
 * and by the console. Every message carries the event log's global position.
 */
export interface LiveOccurrenceEvent {
  /** The event as written to the log (position, type, actor, departments, payload). */
  event: OccurrenceEventView;
  /** The occurrence as it is after the event, as the receiving socket may see it; null for city-level events. */
  occurrence: OccurrenceView | null;
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
}

export interface LiveServerEvents {
  'occurrence:event': (e: LiveOccurrenceEvent) => void;
  'feed:heartbeat': (h: LiveHeartbeat) => void;
  'feed:reload': (r: LiveReload) => void;
}

export interface LiveClientEvents {
  'feed:resume': (req: LiveResumeRequest, ack: (r: LiveResumeAck) => void) => void;
  'occurrence:watch': (req: { occurrenceId: string }, ack: (r: { ok: boolean }) => void) => void;
  'occurrence:unwatch': (req: { occurrenceId: string }) => void;
}

export const LIVE_NAMESPACE = '/live';
