import type { UnitPosition } from '@cgi/shared';

/** A position as it travels between nodes: with the unit's department, for the scoping. */
export interface FanoutPosition extends UnitPosition {
  unitId: string;
  department: string;
}

export interface CoalescerClock {
  now(): number;
  /** Calls `fn` after `ms`; answers a cancel function. */
  schedule(fn: () => void, ms: number): () => void;
}

export const realClock: CoalescerClock = {
  now: () => performance.now(),
  schedule: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

interface UnitState {
  /** When this unit's last position was sent (clock ms), -Infinity before the first. */
  sentAt: number;
  /** The newest fix time seen (ms since epoch): older positions are dropped. */
  newestAt: number;
  /** The newest position held until the unit's second is over. */
  pending: FanoutPosition | null;
  cancel: (() => void) | null;
}

/**
 * At most one position per unit per `intervalMs` (1 s), leading edge: a unit quiet for a second
 * goes out at once (gathered with the others due for at most `gatherMs`, one message for all);
 * positions within its second are held, and the newest of them goes out when the second ends.
 * So a unit reporting every 5 s gets every fix through without delay, and one reporting 10 times
 * a second gets one a second, the newest. Older fixes than one already seen are dropped (positions
 * reach a node from several writers, in any order).
 */
export class UnitPositionsCoalescer {
  private readonly units = new Map<string, UnitState>();
  private readonly due = new Map<string, FanoutPosition>();
  private cancelFlush: (() => void) | null = null;

  constructor(
    private readonly emit: (positions: FanoutPosition[]) => void,
    private readonly options: { intervalMs: number; gatherMs: number },
    private readonly clock: CoalescerClock = realClock,
  ) {}

  offer(p: FanoutPosition): void {
    const at = Date.parse(p.at);
    let u = this.units.get(p.unitId);
    if (!u) {
      u = { sentAt: -Infinity, newestAt: -Infinity, pending: null, cancel: null };
      this.units.set(p.unitId, u);
    }
    if (at <= u.newestAt) return;
    u.newestAt = at;
    if (this.due.has(p.unitId)) {
      // Not sent yet: the newer one takes its place.
      this.due.set(p.unitId, p);
      return;
    }
    const wait = u.sentAt + this.options.intervalMs - this.clock.now();
    if (wait <= 0 && u.pending === null) {
      this.due.set(p.unitId, p);
      this.scheduleFlush();
      return;
    }
    u.pending = p;
    if (u.cancel === null) {
      const state = u;
      u.cancel = this.clock.schedule(() => {
        state.cancel = null;
        if (state.pending) {
          this.due.set(state.pending.unitId, state.pending);
          state.pending = null;
          this.flush();
        }
      }, Math.max(0, wait));
    }
  }

  /** Stops every timer (shutdown). */
  close(): void {
    this.cancelFlush?.();
    this.cancelFlush = null;
    for (const u of this.units.values()) u.cancel?.();
    this.units.clear();
    this.due.clear();
  }

  private scheduleFlush(): void {
    if (this.cancelFlush) return;
    if (this.options.gatherMs === 0) return this.flush();
    this.cancelFlush = this.clock.schedule(() => {
      this.cancelFlush = null;
      this.flush();
    }, this.options.gatherMs);
  }

  private flush(): void {
    if (this.due.size === 0) return;
    const now = this.clock.now();
    const out = [...this.due.values()];
    this.due.clear();
    for (const p of out) this.units.get(p.unitId)!.sentAt = now;
    this.emit(out);
  }
}
