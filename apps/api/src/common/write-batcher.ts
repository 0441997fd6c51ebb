import { chooseBatch, DurationEstimate, waitCutoff } from './deadline-admission';

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
 * With `budgetMs`, an item is run only if it can still be answered within that budget of the
 * `since` it was submitted with: when a batch would start, the items that waited past the budget
 * minus the duration expected of the batch (from the recent batches, `deadline-admission.ts`) are
 * refused with `expired()`'s error, and under a backlog the batch takes the newest items, so
 * that under overload the items that are run keep their latency (ADR 0016). A batch that has
 * started is never cut short.
 */
export class WriteBatcher<I, O> {
  private readonly queue: Array<{ item: I; since: number; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private running = 0;
  /** How long the recent batches took (ms). */
  private readonly duration = new DurationEstimate();

  constructor(
    private readonly run: (items: I[]) => Promise<Array<O | Error>>,
    private readonly options: { maxBatch: number; concurrency: number; budgetMs?: number; expired?: () => Error },
  ) {
    if (options.maxBatch < 1 || options.concurrency < 1) throw new RangeError('maxBatch and concurrency must be at least 1');
  }

  /** `since`: when the item's wait began (`performance.now()`), by default now; `Infinity` for an item with no deadline (never refused, taken first). */
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

  /**
   * The longest an item may have waited and still be run if its batch started now (ms): the
   * budget minus the duration expected of a batch; infinite without a budget. A caller may refuse
   * an item past it before submitting it.
   */
  get waitCutoffMs(): number {
    return this.options.budgetMs === undefined ? Number.POSITIVE_INFINITY : waitCutoff(this.options.budgetMs, this.duration.expected);
  }

  private drain(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const now = performance.now();
      const { take, refuse } = chooseBatch(this.queue.map((b) => now - b.since), this.options.maxBatch, this.options.budgetMs, this.duration.expected);
      const taken = new Set(take);
      const refused = new Set(refuse);
      const batch = take.map((i) => this.queue[i]);
      const late = refuse.map((i) => this.queue[i]);
      const kept = this.queue.filter((_, i) => !taken.has(i) && !refused.has(i));
      this.queue.splice(0, this.queue.length, ...kept);
      for (const b of late) b.reject(this.options.expired ? this.options.expired() : new Error(`could not be answered within ${this.options.budgetMs} ms`));
      if (batch.length === 0) return;
      this.running++;
      const started = performance.now();
      void this.execute(batch).finally(() => {
        this.duration.observe(performance.now() - started);
        this.running--;
        this.drain();
      });
    }
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
