import type { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import {
  type LiveClientEvents,
  type LiveOccurrenceEvent,
  type LiveResumeAck,
  type LiveServerEvents,
  type OccurrenceEventView,
  type Department,
} from '@cgi/shared';
import { isDepartmentRole, type Actor } from '../auth/actor';
import type { EventLogService } from '../events/event-log.service';
import { comparePositions, formatPosition, parsePosition, type EventPosition } from '../events/event-position';
import type { LiveFeedRepository } from './live-feed.repository';
import type { LiveInterServerEvents, LiveSocketData } from './live-relay.message';

export type LiveSocket = Socket<LiveClientEvents, LiveServerEvents, LiveInterServerEvents, LiveSocketData>;

/**
 * - live: gets the relay's events as they come;
 * - replaying: catching up from the event log; live events are held and merged after;
 * - stalled: its outgoing buffer is full; gets nothing until it drains, then catches up;
 * - paused: told to reload a snapshot; gets nothing until it resumes.
 */
export type LiveSessionState = 'live' | 'replaying' | 'stalled' | 'paused';

export interface LiveSessionDeps {
  log: EventLogService;
  repo: LiveFeedRepository;
  logger: Logger;
  replayLimit: number;
  bufferLimit: number;
  /** The relay position this node has received every message up to (null before the first). */
  relayedUpTo: () => EventPosition | null;
}

const REPLAY_PAGE = 500;

/** The server side of one console's feed: its rights, its position, and the no-gap/no-duplicate merge of replay and live. */
export class LiveSession {
  state: LiveSessionState = 'live';
  /** The position of the last event (or heartbeat) this socket was sent; null until it has one. */
  position: EventPosition | null;
  private held: LiveOccurrenceEvent[] = [];
  /** Live events were dropped while replaying (too many held, or a gap upstream): read the log again before going live. */
  private rereadNeeded = false;
  /** Bumped by every catch-up and by disconnect, so a superseded catch-up stops emitting. */
  private generation = 0;
  private closed = false;

  constructor(
    readonly socket: LiveSocket,
    readonly actor: Actor,
    position: EventPosition | null,
    private readonly deps: LiveSessionDeps,
  ) {
    this.position = position;
  }

  /** The departments whose events this socket may see; undefined = all (CGI roles, VIEWER). */
  get departments(): Department[] | undefined {
    return isDepartmentRole(this.actor) ? [this.actor.department!] : undefined;
  }

  canSee(e: OccurrenceEventView): boolean {
    const d = this.departments;
    return d === undefined || e.departments.some((x) => d.includes(x));
  }

  /** A live event from the relay. Synchronous: a slow socket never holds the caller. */
  deliver(e: LiveOccurrenceEvent): void {
    if (this.closed || !this.canSee(e.event)) return;
    if (this.state === 'replaying') {
      if (this.held.length < this.deps.replayLimit) this.held.push(e);
      else this.rereadNeeded = true;
      return;
    }
    if (this.state !== 'live') return;
    const p = parsePosition(e.event.position)!;
    if (this.position && comparePositions(p, this.position) <= 0) return;
    this.socket.emit('occurrence:event', e);
    this.position = p;
  }

  /**
   * Called before each relay message: a socket that has not written out what it was sent before
   * (`bufferLimit` packets still queued) stops getting live events. Checked per message, not per
   * event, since one message's burst is queued for a moment even on a fast socket; so the queue
   * stays under bufferLimit + one relay batch.
   */
  checkBackpressure(): void {
    if (!this.closed && this.state === 'live' && this.overBuffer()) this.stall();
  }

  /** Every event up to `p` concerning this socket was sent to it: tell the client it may resume from there. */
  heartbeat(p: EventPosition): void {
    if (this.closed || this.state !== 'live' || this.overBuffer()) return;
    if (this.position && comparePositions(p, this.position) < 0) return;
    this.position = p;
    this.socket.emit('feed:heartbeat', { position: formatPosition(p), at: new Date().toISOString() });
  }

  /** The node missed relay messages: what this socket may have missed is read from the log. */
  onUpstreamGap(): void {
    if (this.closed) return;
    if (this.state === 'replaying') this.rereadNeeded = true;
    else if (this.state === 'live' && this.position) void this.catchUp(this.position);
  }

  close(): void {
    this.closed = true;
    this.generation++;
    this.held = [];
  }

  /**
   * Replays the log after `after`, filtered by this socket's rights, then goes live. Live events
   * arriving meanwhile are held and sent after, minus those already replayed: no gap, no duplicate.
   */
  async catchUp(after: EventPosition): Promise<LiveResumeAck> {
    const gen = ++this.generation;
    this.state = 'replaying';
    this.held = [];
    this.rereadNeeded = false;
    let position = after;
    this.position = after;
    let replayed = 0;
    try {
      if (await this.beyondHead(after)) {
        if (gen !== this.generation) return this.superseded(replayed);
        // Nothing would ever come (no event, no heartbeat): another database, or one restored from a backup.
        return await this.reload(gen, replayed, 'position is beyond the head of the event log');
      }
      for (;;) {
        const room = this.deps.replayLimit - replayed;
        const batch = await this.deps.log.readAfter(position, Math.min(REPLAY_PAGE, room + 1), this.departments);
        if (gen !== this.generation) return this.superseded(replayed);
        if (batch.length > room) return await this.reload(gen, replayed, `more than ${this.deps.replayLimit} events to replay`);
        if (batch.length > 0) {
          const events = await this.deps.repo.withViews(batch);
          if (gen !== this.generation) return this.superseded(replayed);
          for (const e of events) {
            this.socket.emit('occurrence:event', e);
            position = parsePosition(e.event.position)!;
            this.position = position;
            replayed++;
          }
          if (batch.length === Math.min(REPLAY_PAGE, room + 1)) continue;
        }
        if (this.rereadNeeded) {
          // Held events were dropped: the log has them; read on from where the replay stands.
          this.rereadNeeded = false;
          this.held = [];
          continue;
        }
        break;
      }
      // The last read saw nothing newer: every later event reaches this node after it, so it is held.
      for (const e of this.held) {
        const p = parsePosition(e.event.position)!;
        if (comparePositions(p, position) <= 0) continue;
        this.socket.emit('occurrence:event', e);
        position = p;
      }
      this.held = [];
      this.position = position;
      this.state = 'live';
      return { ok: true, replayed, reload: false, position: formatPosition(position) };
    } catch (err) {
      if (gen !== this.generation) return this.superseded(replayed);
      this.deps.logger.warn(`live catch-up failed for ${this.socket.id}: ${(err as Error).message}`);
      return this.reload(gen, replayed, 'catch-up failed');
    }
  }

  /** True when `after` is newer than anything in the log (checked in the database only when newer than this node's relay position). */
  private async beyondHead(after: EventPosition): Promise<boolean> {
    const known = this.deps.relayedUpTo();
    if (known && comparePositions(after, known) <= 0) return false;
    return comparePositions(after, await this.deps.repo.head()) > 0;
  }

  private superseded(replayed: number): LiveResumeAck {
    return { ok: false, replayed, reload: false, position: this.position ? formatPosition(this.position) : '0.0', error: 'superseded by a newer resume' };
  }

  /** Too far behind: the client reloads a snapshot and resumes from the head given here. */
  private async reload(gen: number, replayed: number, reason: string): Promise<LiveResumeAck> {
    const head = await this.deps.repo.head();
    if (gen !== this.generation) return this.superseded(replayed);
    this.state = 'paused';
    this.held = [];
    const position = formatPosition(head);
    this.socket.emit('feed:reload', { reason, position });
    return { ok: true, replayed, reload: true, position };
  }

  /** Packets queued for this socket and not yet written (engine.io buffers them while the transport is busy). */
  queued(): number {
    return (this.socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
  }

  private overBuffer(): boolean {
    return this.queued() >= this.deps.bufferLimit;
  }

  /** Stops live delivery; when the socket's buffer has drained, it catches up from the log. */
  private stall(): void {
    this.state = 'stalled';
    this.held = [];
    this.deps.logger.warn(`live socket ${this.socket.id} is too slow: live delivery stopped until it drains`);
    this.socket.conn.once('drain', () => {
      if (this.closed || this.state !== 'stalled') return;
      if (this.position) void this.catchUp(this.position);
      else this.state = 'live';
    });
  }
}
