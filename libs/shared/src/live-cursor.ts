/**
 * Client-side bookkeeping of the live feed (plain TypeScript, used by the console and the tests):
 * the last position processed, so that an event delivered twice (resume racing live delivery,
 * a relay taking over, a reconnect to another API node) is applied once, and so that a reconnect
 * resumes exactly where the client stopped.
 */

const POSITION = /^(\d{1,20})\.(\d{1,20})$/;

export function isLivePosition(s: unknown): s is string {
  return typeof s === 'string' && POSITION.test(s);
}

/** Compares two event-log positions "<txId>.<seq>" as pairs of integers. */
export function compareLivePositions(a: string, b: string): number {
  const ma = POSITION.exec(a);
  const mb = POSITION.exec(b);
  if (!ma || !mb) throw new Error(`not a live feed position: ${ma ? b : a}`);
  for (const i of [1, 2]) {
    const x = BigInt(ma[i]);
    const y = BigInt(mb[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export class LiveCursor {
  private current: string;

  constructor(position = '0.0') {
    if (!isLivePosition(position)) throw new Error(`not a live feed position: ${position}`);
    this.current = position;
  }

  /** The position to resume from (send it as `after`). */
  get position(): string {
    return this.current;
  }

  /** True when the event at `position` is new: apply it (the cursor moves to it). False: a duplicate, drop it. */
  accept(position: string): boolean {
    if (compareLivePositions(position, this.current) <= 0) return false;
    this.current = position;
    return true;
  }

  /** A heartbeat or a reload moves the cursor forward without an event; it never moves back. */
  advanceTo(position: string): void {
    if (compareLivePositions(position, this.current) > 0) this.current = position;
  }

  /** After a snapshot reload: start over from the position the server gave. */
  reset(position: string): void {
    if (!isLivePosition(position)) throw new Error(`not a live feed position: ${position}`);
    this.current = position;
  }
}
