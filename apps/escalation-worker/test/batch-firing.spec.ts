import type { OccurrenceDetail } from '@cgi/shared';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PLACES, startApi, type ApiHarness } from '../../../test/support/api-harness';
import { dataSourceOptions } from '../src/api';
import { validateWorkerEnv } from '../src/config/worker-env';
import { DeadlineFiring } from '../src/escalation/deadline-firing.service';
import { MetricsService } from '../src/metrics/metrics.service';
import { InAppChannel, WebhookChannel } from '../src/notifications/notification-channel';
import { ladders, P1_FIRE_ESCALATIONS, type EscalatedRow } from './support/escalation-harness';

/**
 * The batch path against the real database: occurrences written by the real API, their
 * deadlines moved into the past (no waiting on clocks), fired by DeadlineFiring instances on
 * separate connection pools, as two worker processes would.
 */
describe('batch firing: every due deadline at once, each escalation once', () => {
  let api: ApiHarness;
  const pools: DataSource[] = [];
  let a: DeadlineFiring;
  let b: DeadlineFiring;

  const firing = async (): Promise<DeadlineFiring> => {
    const env = validateWorkerEnv({ DATABASE_URL: api.env.DATABASE_URL });
    const ds = await new DataSource(dataSourceOptions(env.DATABASE_URL, 4)).initialize();
    pools.push(ds);
    return new DeadlineFiring(ds, new MetricsService(), new InAppChannel(), new WebhookChannel(env));
  };

  beforeAll(async () => {
    api = await startApi();
    a = await firing();
    b = await firing();
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    await api.close();
  });

  async function fire(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
        .send({ category: 'FIRE_BUILDING', location: PLACES.santaCatarina, description: `Incêndio ${i}` });
      expect(res.status).toBe(201);
      ids.push((res.body as OccurrenceDetail).id);
    }
    return ids;
  }

  /**
   * P1: the lead's acknowledge rungs at 2, 4, 6 min, on scene at 10 min, resolve at 4 h; each support
   * department's (CIVIL_PROTECTION, POLICE) at 2 and 4 min. 7 minutes later the 7 acknowledge rungs are due.
   */
  const age = (ids: string[], minutes = 7) =>
    api.db.query(`UPDATE escalation_deadlines SET due_at = due_at - make_interval(mins => $2) WHERE occurrence_id = ANY($1::uuid[])`, [ids, minutes]);

  async function escalations(ids: string[]): Promise<Array<EscalatedRow & { deadline: string }>> {
    const { rows } = await api.db.query(
      `SELECT occurrence_id, payload->>'department' AS department, payload->>'level' AS level, payload->>'deadlineId' AS deadline FROM occurrence_events
        WHERE type = 'ESCALATED' AND occurrence_id = ANY($1::uuid[]) ORDER BY tx_id, seq`,
      [ids],
    );
    return rows;
  }

  /** Batches until a batch comes back empty. */
  async function drain(f: DeadlineFiring, limit: number): Promise<number> {
    let fired = 0;
    for (;;) {
      const r = await f.fireDue(limit);
      if (r.claimed === 0) return fired;
      fired += r.decisions.length;
    }
  }

  it('fires a whole backlog in a few transactions: each ladder in order, notifications and levels written once', async () => {
    const ids = await fire(12);
    await age(ids);
    const first = await a.fireDue(500);
    // 12 occurrences × 7 due rungs (lead L1–L3, two support departments L1–L2), one transaction.
    expect(first.claimed).toBe(84);
    expect(first.decisions.map((d) => d.outcome)).toEqual(Array(84).fill('ESCALATED'));
    expect((await a.fireDue(500)).claimed).toBe(0);

    const rows = await escalations(ids);
    expect(rows).toHaveLength(84);
    for (const id of ids) expect(ladders(rows, id)).toEqual(P1_FIRE_ESCALATIONS);
    expect(new Set(rows.map((r) => r.deadline)).size).toBe(84);
    const { rows: notes } = await api.db.query(
      `SELECT level, count(*)::int AS n FROM notifications WHERE occurrence_id = ANY($1::uuid[]) GROUP BY level ORDER BY level`, [ids],
    );
    // Per occurrence: L1 the department and its supervisor × 3 departments, L2 the CGI supervisor × 3, L3 two recipients (lead only).
    expect(notes).toEqual([{ level: 'L1', n: 72 }, { level: 'L2', n: 36 }, { level: 'L3', n: 24 }]);
    const { rows: occ } = await api.db.query(
      `SELECT o.escalation_level AS o, a.escalation_level AS a, o.version FROM occurrences o
         JOIN occurrence_assignments a ON a.occurrence_id = o.id AND a.department = o.lead_department WHERE o.id = ANY($1::uuid[])`, [ids],
    );
    expect(occ.every((r) => r.o === 'L3' && r.a === 'L3')).toBe(true);
    const { rows: left } = await api.db.query(
      `SELECT kind, level, outcome FROM escalation_deadlines WHERE occurrence_id = $1 AND department = 'FIRE' ORDER BY due_at`, [ids[0]],
    );
    expect(left.map((r) => `${r.level} ${r.kind} ${r.outcome}`)).toEqual([
      'L1 ACKNOWLEDGE ESCALATED', 'L2 ACKNOWLEDGE ESCALATED', 'L3 ACKNOWLEDGE ESCALATED', 'L2 ON_SCENE null', 'L3 RESOLVE null',
    ]);

    // A timer of a deadline the batch already fired is a no-op.
    const firedId = rows[0].deadline;
    expect(await a.pendingOf([firedId, rows[1].deadline])).toEqual([]);
    expect(await b.fireOne(firedId)).toBeNull();
    expect(await escalations(ids)).toHaveLength(84);
  });

  it('two workers racing on the same backlog, with timers firing single rows at the same time, give each escalation once', async () => {
    const ids = await fire(30);
    await age(ids);
    const { rows: due } = await api.db.query<{ id: string }>(
      `SELECT id::text AS id FROM escalation_deadlines WHERE occurrence_id = ANY($1::uuid[]) AND due_at <= now() ORDER BY random() LIMIT 15`, [ids],
    );
    const [fa, fb] = await Promise.all([
      drain(a, 10),
      drain(b, 10),
      drain(a, 25),
      drain(b, 7),
      ...due.map((d, i) => (i % 2 ? a : b).fireOne(d.id)),
    ]);
    expect(fa + fb).toBeGreaterThan(0);
    // A timer firing its row alone holds that occurrence; drains passing meanwhile skip its other due
    // rows and may end before it commits. Those are the periodic sweep's (SWEEP_INTERVAL_MS): one more.
    await drain(a, 500);
    const rows = await escalations(ids);
    expect(rows).toHaveLength(30 * 7);
    expect(new Set(rows.map((r) => r.deadline)).size).toBe(30 * 7);
    for (const id of ids) expect(ladders(rows, id)).toEqual(P1_FIRE_ESCALATIONS);
    const { rows: [notes] } = await api.db.query(`SELECT count(*)::int AS n FROM notifications WHERE occurrence_id = ANY($1::uuid[])`, [ids]);
    expect(notes.n).toBe(30 * 11);
  });

  it('an occurrence held by another transaction is skipped, not waited for; acknowledged in that transaction, it does not escalate', async () => {
    const [held, free] = await fire(2);
    await age([held, free], 3); // L1 due
    const ack = new Client({ connectionString: api.env.DATABASE_URL });
    await ack.connect();
    try {
      // An acknowledgement in flight: the occurrence's lock is held, the deadline row still pending.
      await ack.query('BEGIN');
      await ack.query(`SELECT 1 FROM occurrences WHERE id = $1 FOR UPDATE`, [held]);
      await ack.query(
        `UPDATE occurrence_assignments SET state = 'ACKNOWLEDGED', acknowledged_at = now() WHERE occurrence_id = $1 AND department = 'FIRE'`, [held],
      );
      const batch = await a.fireDue(500);
      expect(batch.decisions.map((d) => `${d.deadline.occurrenceId} ${d.deadline.department} ${d.deadline.level} ${d.outcome}`).sort()).toEqual([
        `${free} CIVIL_PROTECTION L1 ESCALATED`, `${free} FIRE L1 ESCALATED`, `${free} POLICE L1 ESCALATED`,
      ]);
      // The timer's own path waits for the lock instead, and decides after it.
      const single = (async () => {
        const { rows: [l1] } = await api.db.query<{ id: string }>(
          `SELECT id::text AS id FROM escalation_deadlines WHERE occurrence_id = $1 AND department = 'FIRE' AND level = 'L1' AND kind = 'ACKNOWLEDGE'`, [held],
        );
        return b.fireOne(l1.id);
      })();
      await ack.query('COMMIT');
      expect(await single).toBe('MET');
    } finally {
      await ack.end();
    }
    await age([held, free], 4); // L2 and L3 due too
    await drain(a, 500);
    const after = await escalations([held, free]);
    expect(ladders(after, free)).toEqual(P1_FIRE_ESCALATIONS);
    // Only FIRE acknowledged the held one: its support departments still escalate, on their own ladder.
    expect(ladders(after, held)).toEqual(['CIVIL_PROTECTION L1', 'CIVIL_PROTECTION L2', 'POLICE L1', 'POLICE L2']);
    const { rows } = await api.db.query(
      `SELECT level, outcome FROM escalation_deadlines WHERE occurrence_id = $1 AND department = 'FIRE' AND kind = 'ACKNOWLEDGE' ORDER BY level`, [held],
    );
    expect(rows.map((r) => `${r.level} ${r.outcome}`)).toEqual(['L1 MET', 'L2 MET', 'L3 MET']);
  });

  it('acknowledged through the API just before the batch: its clock stopped, nothing escalates', async () => {
    const [o] = await fire(1);
    const res = await api.http().post(`/api/v1/occurrences/${o}/acknowledge`).set('authorization', api.auth('fireAgent')).send({});
    expect(res.status).toBe(200);
    await age([o], 11); // acknowledge rungs and the on-scene deadline
    const decided = (await a.fireDue(500)).decisions.filter((d) => d.deadline.occurrenceId === o && d.deadline.department === 'FIRE');
    // The acknowledge rungs were stopped by the acknowledgement itself; the on-scene one is still due and escalates.
    expect(decided.map((d) => `${d.deadline.level} ${d.deadline.kind} ${d.outcome}`)).toEqual(['L2 ON_SCENE ESCALATED']);
    expect((await escalations([o])).filter((r) => r.department === 'FIRE').map((r) => r.level)).toEqual(['L2']);
  });
});
