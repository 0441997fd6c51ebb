import { LiveCursor, OPEN_STATUSES, type LiveOccurrenceEvent, type OccurrenceView } from '@cgi/shared';
import { FrameNotified, nextFrame } from './frame-notifier';

const TICKER_SIZE = 40;
const DEPARTED_SIZE = 5000;

export function isOpen(o: OccurrenceView): boolean {
  return OPEN_STATUSES.includes(o.status);
}

export type ArrivalListener = (o: OccurrenceView, e: LiveOccurrenceEvent) => void;

/**
 * The console's picture of the open occurrences, fed by a REST snapshot and then by the live feed.
 * Events are de-duplicated by log position (LiveCursor, positions strictly increase on a socket) and
 * an occurrence is only replaced by a newer version,
 * so a replay after a reconnection, or an event racing the snapshot, never moves it backwards.
 * Listeners are told at most once per animation frame however many events arrive.
 */
export class OccurrenceStore extends FrameNotified {
  private readonly open = new Map<string, OccurrenceView>();
  /** Occurrences that left the open states (resolved, closed…) while watched: for today's KPIs. */
  private readonly departed = new Map<string, OccurrenceView>();
  private readonly cursor = new LiveCursor();
  private positioned = false;
  private readonly arrivals = new Set<ArrivalListener>();
  /** Occurrences touched by live events since the snapshot began (they win over the snapshot when newer). */
  private touched: Map<string, OccurrenceView> | null = null;
  /** Bumped when what the map clusters on changes: membership and place (the cluster index is rebuilt). */
  structureRevision = 0;
  /** Bumped when what the map draws changes: the above, priority, escalation level, category (a redraw, no rebuild). */
  appearanceRevision = 0;
  events: LiveOccurrenceEvent[] = [];
  loaded = false;

  constructor(schedule: (fn: () => void) => void = nextFrame) {
    super(schedule);
  }

  onArrival(fn: ArrivalListener): () => void {
    this.arrivals.add(fn);
    return () => this.arrivals.delete(fn);
  }

  get size(): number {
    return this.open.size;
  }

  get(id: string): OccurrenceView | undefined {
    return this.open.get(id) ?? this.departed.get(id);
  }

  list(): OccurrenceView[] {
    return [...this.open.values()];
  }

  forEachOpen(fn: (o: OccurrenceView) => void): void {
    this.open.forEach(fn);
  }

  departedList(): OccurrenceView[] {
    return [...this.departed.values()];
  }

  /** Starts a snapshot load: live events from now on are kept aside and re-applied over it. */
  beginSnapshot(): void {
    this.touched = new Map();
  }

  /** Replaces the open set with a REST snapshot, keeping newer versions seen on the feed meanwhile. */
  finishSnapshot(items: OccurrenceView[], departed: OccurrenceView[] = []): void {
    const touched = this.touched ?? new Map<string, OccurrenceView>();
    this.touched = null;
    this.open.clear();
    for (const o of departed) this.keepDeparted(o);
    for (const o of items) if (isOpen(o)) this.open.set(o.id, o);
    for (const o of touched.values()) this.upsert(o);
    this.structureRevision++;
    this.appearanceRevision++;
    this.loaded = true;
    this.changed();
  }

  /** Newest log position processed (from events and heartbeats); null before the first. */
  get position(): string | null {
    return this.positioned ? this.cursor.position : null;
  }

  /** Applies one live event; returns false when it was a duplicate (at or before the position). */
  apply(e: LiveOccurrenceEvent): boolean {
    if (!this.cursor.accept(e.event.position)) return false;
    this.positioned = true;
    this.events = [e, ...this.events].slice(0, TICKER_SIZE);
    if (e.occurrence) {
      const o = e.occurrence;
      const known = this.open.has(o.id) || this.departed.has(o.id);
      this.touched?.set(o.id, newer(this.touched.get(o.id), o));
      const applied = this.upsert(o);
      if (applied && !known && isOpen(o) && this.loaded) this.arrivals.forEach((fn) => fn(o, e));
    }
    this.changed();
    return true;
  }

  /** A heartbeat: the feed has brought this socket up to `position`. */
  advance(position: string): void {
    this.cursor.advanceTo(position);
    this.positioned = true;
  }

  /** After a snapshot reload: resume from the position the server gave. */
  resetPosition(position: string): void {
    this.cursor.reset(position);
    this.positioned = true;
  }

  /** Puts an occurrence the console just fetched or changed itself (a command's answer). */
  put(o: OccurrenceView): void {
    if (this.upsert(o)) this.changed();
  }

  private upsert(o: OccurrenceView): boolean {
    const cur = this.open.get(o.id) ?? this.departed.get(o.id);
    if (cur && cur.version > o.version) return false;
    const wasOpen = this.open.has(o.id);
    const moved = wasOpen !== isOpen(o) || (cur !== undefined && (cur.location.lat !== o.location.lat || cur.location.lon !== o.location.lon));
    if (moved) this.structureRevision++;
    if (moved || (cur && (cur.priority !== o.priority || cur.escalationLevel !== o.escalationLevel || cur.category !== o.category))) this.appearanceRevision++;
    if (isOpen(o)) {
      this.departed.delete(o.id);
      this.open.set(o.id, o);
    } else {
      this.open.delete(o.id);
      this.keepDeparted(o);
    }
    return true;
  }

  private keepDeparted(o: OccurrenceView): void {
    this.departed.delete(o.id);
    this.departed.set(o.id, o);
    if (this.departed.size > DEPARTED_SIZE) this.departed.delete(this.departed.keys().next().value as string);
  }
}

function newer(a: OccurrenceView | undefined, b: OccurrenceView): OccurrenceView {
  return a && a.version > b.version ? a : b;
}
