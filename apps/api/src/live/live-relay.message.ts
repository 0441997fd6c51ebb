import type { LiveOccurrenceEvent } from '@cgi/shared';
import type { Actor } from '../auth/actor';

/**
 * What the relay sends to every API node (Socket.IO server-side emit over the Redis adapter).
 * `prev` chains the messages: a node whose last position is older than `prev` missed some
 * (Redis restarted, a relay took over late) and catches its sockets up from PostgreSQL.
 */
export interface LiveRelayMessage {
  /** The relay instance that sent it. */
  relay: string;
  /** The position the relay stood at before this message. */
  prev: string;
  /** The position after this message (the last event's, or `prev` for a heartbeat). */
  upTo: string;
  /** In log order; empty for a heartbeat. */
  events: LiveOccurrenceEvent[];
}

export interface LiveInterServerEvents {
  'relay:message': (m: LiveRelayMessage) => void;
}

export interface LiveSocketData {
  actor: Actor;
}
