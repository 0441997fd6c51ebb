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
 */
export class WriteBatcher<I, O> {
  private readonly queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private running = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<Array<O | Error>>,
    private readonly options: { maxBatch: number; concurrency: number },
  ) {
    if (options.maxBatch < 1 || options.concurrency < 1) throw new RangeError('maxBatch and concurrency must be at least 1');
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.drain();
    });
  }

  /** Items waiting for a batch (for metrics and tests). */
  get waiting(): number {
    return this.queue.length;
  }

  private drain(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running++;
      void this.execute(batch).finally(() => {
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
