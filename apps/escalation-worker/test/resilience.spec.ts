import { EscalationHarness, ladders, P1_FIRE_ESCALATIONS, sleep } from './support/escalation-harness';
import { waitFor } from './support/worker-process';

// 1 SLA minute = 600 ms: L1 at 1.2 s, L2 at 2.4 s, L3 at 3.6 s after dispatch, on scene at 6 s
// (support departments: L1 at 1.2 s, L2 at 2.4 s).
const SCALE = 0.01;
const PER_FIRE = P1_FIRE_ESCALATIONS.length;

describe('exactly once, whatever happens to the workers, the relay and Redis', () => {
  let h: EscalationHarness;
  beforeAll(async () => {
    h = await EscalationHarness.start(SCALE, 2);
  }, 60_000);
  afterAll(() => h.close());
  beforeEach(() => h.ensureWorkers(2), 30_000);

  /** Every occurrence got its lead's L1, L2, L3 and each support department's L1, L2 once each, in order, and nothing else. */
  async function expectLadderOnce(ids: string[]): Promise<void> {
    await h.waitForEscalations(ids, ids.length * PER_FIRE, 20_000);
    await h.settle(0, 20_000);
    const rows = await h.escalations(ids);
    expect(rows).toHaveLength(ids.length * PER_FIRE);
    for (const id of ids) expect(ladders(rows, id)).toEqual(P1_FIRE_ESCALATIONS);
  }

  it('two workers at once give each escalation once (20 occurrences)', async () => {
    // One after the other, 50 ms apart: reports sent together are stored by one intake batch with
    // the same deadlines (ADR 0013), and one worker's batch firing would then take all of them.
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push((await h.fire()).id);
      await sleep(50);
    }
    await expectLadderOnce(ids);
    await sleep(6500 - 3600); // the on-scene deadlines (L2 again) pass too
    await h.settle();
    expect(await h.escalations(ids)).toHaveLength(20 * PER_FIRE);
    // Both processes did some of the work.
    for (const w of h.workers) expect(await w.metrics()).toMatch(/escalations_total\{level="L\d"\} [1-9]/);
  }, 60_000);

  it('kill -9 of every worker in the middle of a firing transaction, then a restart, still gives each escalation once', async () => {
    const o = await h.fire();
    const due = Date.parse(o.dispatchedAt!) + 1200;
    // Hold the occurrence's row lock so the L1 job is caught mid-transaction.
    await h.api.db.query('BEGIN');
    await h.api.db.query(`SELECT 1 FROM occurrences WHERE id = $1 FOR UPDATE`, [o.id]);
    await sleep(Math.max(0, due - Date.now()));
    await waitFor('a worker blocked on the row lock', async () => {
      const { rows } = await h.api.db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      return rows[0].n > 0;
    });
    await Promise.all(h.workers.map((w) => w.kill9()));
    await h.api.db.query('COMMIT');
    expect(await h.escalations([o.id])).toEqual([]);
    await h.ensureWorkers(2);
    await expectLadderOnce([o.id]);
  }, 60_000);

  it('FLUSHALL on Redis: the auditor restores every pending deadline and the overdue ones fire', async () => {
    const o = await h.fire();
    const dispatchedAt = Date.parse(o.dispatchedAt!);
    await Promise.all(h.workers.map((w) => w.kill9()));
    expect(await h.redis.cli('FLUSHALL')).toBe('OK');
    expect(await h.redis.cli('DBSIZE')).toBe('0');
    // L1 and L2 fall due while Redis has nothing and no worker runs.
    await sleep(Math.max(0, dispatchedAt + 2600 - Date.now()));
    const restartedAt = Date.now();
    await h.ensureWorkers(2);
    // The far deadline (resolve, 4 h × scale = 144 s) has its timer again...
    const { rows: [resolve] } = await h.api.db.query<{ job: string }>(
      `SELECT format('test:escalation-timers:deadline.%s.%s.%s.%s.%s.%s', occurrence_id, department, role, kind, level,
              (extract(epoch FROM due_at) * 1000)::bigint) AS job
         FROM escalation_deadlines WHERE occurrence_id = $1 AND kind = 'RESOLVE'`,
      [o.id],
    );
    await waitFor('timers restored', async () => (await h.redis.cli('EXISTS', resolve.job)) === '1', 10_000);
    // ...and the overdue ones fired right after the restart, not a whole audit period later.
    const overdue = await waitFor('the overdue L1 and L2 of every department', async () => {
      const rows = (await h.escalations([o.id])).filter((r) => r.level !== 'L3');
      return rows.length >= 6 ? rows : null;
    }, 10_000, 50);
    expect(overdue.map((r) => `${r.department} ${r.level}`).sort()).toEqual(P1_FIRE_ESCALATIONS.filter((e) => !e.endsWith('L3')));
    expect(Math.max(...overdue.map((r) => r.at.getTime())) - restartedAt).toBeLessThan(10_000);
    await expectLadderOnce([o.id]);
  }, 60_000);

  it('a relay killed between commit and publish loses no event; re-publishing doubles nothing', async () => {
    const before = await h.escalations();
    await Promise.all(h.workers.map((w) => w.kill9()));
    // Committed while no relay runs: nothing publishes them.
    const ids = (await Promise.all(Array.from({ length: 3 }, () => h.fire()))).map((o) => o.id);
    // And a relay that published but died before moving its checkpoint: rewind it to the start.
    await h.api.db.query(`UPDATE event_consumers SET tx_id = '0', seq = 0 WHERE name = 'outbox-relay'`);
    await sleep(300);
    await h.ensureWorkers(2);
    await expectLadderOnce(ids);
    const after = await h.escalations();
    expect(after.filter((r) => !ids.includes(r.occurrence_id))).toHaveLength(before.length);
  }, 60_000);
});
