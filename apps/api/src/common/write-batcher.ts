/**
 * Group commit for a hot write path: callers submit one item each and get their own answer, while
 * the items that arrive as earlier batches run are stored together, in one statement per batch.
 *
 * No timer and no waiting for a batch to fill: when fewer than `concurrency` batches run, a
 * submitted item starts a batch at once (a quiet system answers as fast as one write per item);
 * under load, items queue while the running batches finish and the next batch takes up to
 * `maxBatch` of them, so statements, commits and round trips are shared by many items.
 *
 * `run` answers one outcome per item, in order: its result, or the Error that item alone fails
 * with (a bad item must not fail its neighbours). If `run` itself throws, every item of the batch
 * gets that error. See docs/decisions/0013-intake-group-commit.md.
 *
 * With `maxWaitMs`, an item that has waited longer than that (since the `since` it was submitted
 * with) when its batch would start is not run: it is refused with `expired()`'s error, so that
 * under overload the items that are run keep their latency (ADR 0016).
 */
export class WriteBatcher<I, O> {
  private readonly queue: Array<{ item: I; since: number; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private running = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<Array<O | Error>>,
    private readonly options: { maxBatch: number; concurrency: number; maxWaitMs?: number; expired?: () => Error },
  ) {
    if (options.maxBatch < 1 || options.concurrency < 1) throw new RangeError('maxBatch and concurrency must be at least 1');
  }

  /** `since`: when the item's wait began (`performance.now()`), by default now. */
  submit(item: I, since: number = performance.now()): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, since, resolve, reject });
      this.drain();
    });
  }

  /** Items waiting for a batch (for metrics and tests). */
  get waiting(): number {
    return this.queue.length;
  }

  private drain(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      this.refuseExpired();
      if (this.queue.length === 0) return;
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running++;
      void this.execute(batch).finally(() => {
        this.running--;
        this.drain();
      });
    }
  }

  /** Refuses the waiting items past `maxWaitMs`; the others keep their order. */
  private refuseExpired(): void {
    const { maxWaitMs, expired } = this.options;
    if (maxWaitMs === undefined) return;
    const now = performance.now();
    const late = this.queue.filter((b) => now - b.since > maxWaitMs);
    if (late.length === 0) return;
    const kept = this.queue.filter((b) => now - b.since <= maxWaitMs);
    this.queue.splice(0, this.queue.length, ...kept);
    for (const b of late) b.reject(expired ? expired() : new Error(`waited over ${maxWaitMs} ms`));
  }

  private async execute(batch: typeof this.queue): Promise<void> {
    let outcomes: Array<O | Error>;
    try {
      outcomes = await this.run(batch.map((b) => b.item));
      if (outcomes.length !== batch.length) throw new Error(`batch answered ${outcomes.length} outcomes for ${batch.length} items`);
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    batch.forEach((b, i) => {
      const o = outcomes[i];
      if (o instanceof Error) b.reject(o);
      else b.resolve(o);
    });
  }
}
