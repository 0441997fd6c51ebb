/**
 * Deadline-aware admission for a group-commit writer (ADR 0016): under overload, write only the
 * items that can still be answered within their latency budget, newest first, and refuse the
 * others at once instead of writing them late. Pure logic: the WriteBatcher applies it.
 *
 * Why not a wait limit alone: an item's latency is its wait before its batch starts PLUS the
 * batch's own duration, and under load a batch takes tens of milliseconds. Refusing only the items
 * that waited past the budget admitted items that then spent another full batch in the write
 * (measured: admitted p99 128–244 ms with a 50 ms wait limit). So the cut-off for the wait is the
 * budget minus the batch duration expected now, estimated from the recent batches.
 */

/**
 * Smoothed duration of the recent batches and its mean deviation (Jacobson/Karels, as TCP
 * estimates its retransmission timeout): `expected` = mean + 2 × deviation, a high estimate that
 * follows a slower or faster database within a few batches.
 */
export class DurationEstimate {
  private mean: number | null = null;
  private deviation = 0;

  observe(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    if (this.mean === null) {
      this.mean = ms;
      this.deviation = ms / 2;
      return;
    }
    const error = ms - this.mean;
    this.mean += error / 8;
    this.deviation += (Math.abs(error) - this.deviation) / 4;
  }

  /** The duration to expect of the next batch (ms); 0 before any batch ran. */
  get expected(): number {
    return this.mean === null ? 0 : this.mean + 2 * this.deviation;
  }
}

/**
 * The longest an item may have waited and still be admitted to a batch starting now: the budget
 * minus the expected batch duration, but never less than half the budget, so that a stall (a
 * checkpoint, a slow disk) that inflates the estimate cannot refuse everything (no batch would then
 * run to bring the estimate down again).
 */
export function waitCutoff(budgetMs: number, expectedBatchMs: number): number {
  return budgetMs - Math.min(Math.max(expectedBatchMs, 0), budgetMs / 2);
}

export interface BatchChoice {
  /** Indices (in queue order) of the items the batch takes, in queue order. */
  take: number[];
  /** Indices of the items refused: they waited past the cut-off. */
  refuse: number[];
}

/**
 * Chooses the batch to start now from the waiting items (`waits`: how long each has waited, in
 * arrival order). The items past `waitCutoff` are refused; of the others the batch takes up to
 * `maxBatch`, the NEWEST first (under a backlog the oldest would be the next to miss the budget:
 * serving the freshest is what adaptive LIFO does), kept in arrival order within the batch. The
 * items neither taken nor refused stay queued for the next batch.
 */
export function chooseBatch(waits: readonly number[], maxBatch: number, budgetMs: number | undefined, expectedBatchMs: number): BatchChoice {
  const cutoff = budgetMs === undefined ? Number.POSITIVE_INFINITY : waitCutoff(budgetMs, expectedBatchMs);
  const refuse: number[] = [];
  const eligible: number[] = [];
  // Items submitted with no deadline (a wait of -Infinity: an adapter bounding its own reports)
  // are never refused and go first, so that a backlog of fresher ones cannot starve them.
  const unbounded: number[] = [];
  waits.forEach((w, i) => (w === Number.NEGATIVE_INFINITY ? unbounded : w > cutoff ? refuse : eligible).push(i));
  const room = Math.max(0, maxBatch - unbounded.length);
  const bounded = budgetMs === undefined ? eligible.slice(0, room) : eligible.slice(Math.max(0, eligible.length - room));
  const take = [...unbounded.slice(0, maxBatch), ...(room > 0 ? bounded : [])].sort((a, b) => a - b);
  return { take, refuse };
}
