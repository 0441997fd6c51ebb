import { WriteBatcher } from './write-batcher';

/** A run function whose batches the test releases by hand, recording what each batch held. */
function gatedRun() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  const run = async (items: number[]): Promise<Array<number | Error>> => {
    batches.push(items);
    await new Promise<void>((release) => gates.push(release));
    return items.map((i) => (i < 0 ? new Error(`bad ${i}`) : i * 10));
  };
  const releaseNext = async (): Promise<void> => {
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { batches, run, releaseNext };
}

describe('WriteBatcher', () => {
  it('starts a lone item at once, in a batch of its own', async () => {
    const g = gatedRun();
    const b = new WriteBatcher(g.run, { maxBatch: 8, concurrency: 1 });
    const a = b.submit(1);
    expect(g.batches).toEqual([[1]]);
    await g.releaseNext();
    await expect(a).resolves.toBe(10);
  });

  it('groups what arrives while a batch runs into the next one, up to maxBatch, in order', async () => {
    const g = gatedRun();
    const b = new WriteBatcher(g.run, { maxBatch: 3, concurrency: 1 });
    const answers = [1, 2, 3, 4, 5, 6].map((i) => b.submit(i));
    expect(g.batches).toEqual([[1]]);
    expect(b.waiting).toBe(5);
    await g.releaseNext();
    expect(g.batches).toEqual([[1], [2, 3, 4]]);
    await g.releaseNext();
    expect(g.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    await g.releaseNext();
    await expect(Promise.all(answers)).resolves.toEqual([10, 20, 30, 40, 50, 60]);
    expect(b.waiting).toBe(0);
  });

  it('runs up to `concurrency` batches at the same time', async () => {
    const g = gatedRun();
    const b = new WriteBatcher(g.run, { maxBatch: 10, concurrency: 2 });
    const answers = [1, 2, 3, 4].map((i) => b.submit(i));
    expect(g.batches).toEqual([[1], [2]]);
    await g.releaseNext();
    expect(g.batches).toEqual([[1], [2], [3, 4]]);
    await g.releaseNext();
    await g.releaseNext();
    await expect(Promise.all(answers)).resolves.toEqual([10, 20, 30, 40]);
  });

  it('fails only the item whose outcome is an error', async () => {
    const g = gatedRun();
    const b = new WriteBatcher(g.run, { maxBatch: 10, concurrency: 1 });
    const settled = Promise.allSettled([1, 2, -3, 4].map((i) => b.submit(i)));
    await g.releaseNext();
    await g.releaseNext();
    const outcomes = await settled;
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([10, 20, 'bad -3', 40]);
  });

  it('fails every item of a batch whose run throws, and goes on with the next batch', async () => {
    let calls = 0;
    const b = new WriteBatcher<number, number>(async (items) => {
      calls++;
      if (calls === 1) throw new Error('connection lost');
      return items.map((i) => i);
    }, { maxBatch: 10, concurrency: 1 });
    const outcomes = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual(['connection lost', 2]);
  });

  it('refuses an answer that does not have one outcome per item', async () => {
    const b = new WriteBatcher<number, number>(async () => [1], { maxBatch: 10, concurrency: 1 });
    const outcomes = await Promise.allSettled([b.submit(1), b.submit(2), b.submit(3)]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      1, 'batch answered 1 outcomes for 2 items', 'batch answered 1 outcomes for 2 items',
    ]);
  });
});

describe('WriteBatcher with a latency budget', () => {
  it('refuses the items that waited past the budget when their batch would start, and runs the others in order', async () => {
    const g = gatedRun();
    const b = new WriteBatcher(g.run, { maxBatch: 8, concurrency: 1, budgetMs: 100, expired: () => new Error('too late') });
    const a = b.submit(1);
    const now = performance.now();
    const stale = b.submit(2, now - 1000);
    const fresh = b.submit(3, now);
    const staleToo = b.submit(4, now - 500);
    const rejected = [expect(stale).rejects.toThrow('too late'), expect(staleToo).rejects.toThrow('too late')];
    await g.releaseNext();
    await Promise.all(rejected);
    expect(g.batches).toEqual([[1], [3]]);
    await g.releaseNext();
    await expect(Promise.all([a, fresh])).resolves.toEqual([10, 30]);
  });

  it('refuses a stale item even with no batch running; an item whose batch started is answered however long the batch runs', async () => {
    const g = gatedRun();
    const b = new WriteBatcher(g.run, { maxBatch: 8, concurrency: 1, budgetMs: 1, expired: () => new Error('too late') });
    const a = b.submit(1, performance.now() - 10_000);
    expect(g.batches).toEqual([]);
    await expect(a).rejects.toThrow('too late');
    const c = b.submit(5);
    expect(g.batches).toEqual([[5]]);
    await new Promise((r) => setTimeout(r, 20));
    await g.releaseNext();
    await expect(c).resolves.toBe(50);
  });

  it('after a slow batch, refuses an item that waited past the budget minus the batch expected, though within the budget', async () => {
    const g = gatedRun();
    const b = new WriteBatcher(g.run, { maxBatch: 8, concurrency: 1, budgetMs: 200, expired: () => new Error('too late') });
    expect(b.waitCutoffMs).toBe(200);
    const slow = b.submit(1);
    await new Promise((r) => setTimeout(r, 80)); // the batch takes at least 80 ms: expected ≥ 160 ms
    await g.releaseNext();
    await expect(slow).resolves.toBe(10);
    expect(b.waitCutoffMs).toBe(100); // 200 − the expected batch, at most half the budget
    const hold = b.submit(2); // runs, so that the next two queue and are chosen when it ends
    const now = performance.now();
    const stale = b.submit(3, now - 150); // within the budget, but not with a batch after it
    const fresh = b.submit(4, now - 10);
    const refused = expect(stale).rejects.toThrow('too late');
    await g.releaseNext();
    await refused;
    expect(g.batches).toEqual([[1], [2], [4]]);
    await g.releaseNext();
    await expect(Promise.all([hold, fresh])).resolves.toEqual([20, 40]);
  });

  it('under a backlog starts the next batch with the newest items in time, and the older ones in the batch after', async () => {
    const g = gatedRun();
    const b = new WriteBatcher(g.run, { maxBatch: 2, concurrency: 1, budgetMs: 60_000, expired: () => new Error('too late') });
    const first = b.submit(1);
    const now = performance.now();
    const queued = [2, 3, 4, 5].map((i) => b.submit(i, now - (6 - i) * 10));
    await g.releaseNext();
    expect(g.batches).toEqual([[1], [4, 5]]);
    await g.releaseNext();
    expect(g.batches).toEqual([[1], [4, 5], [2, 3]]);
    await g.releaseNext();
    await expect(Promise.all([first, ...queued])).resolves.toEqual([10, 20, 30, 40, 50]);
  });
});
