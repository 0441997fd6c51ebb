import type { OccurrenceDetail } from '@cgi/shared';
import { PLACES, startApi, type ApiHarness } from '../../../../test/support/api-harness';
import { RedisServer, waitFor, WorkerProcess } from './worker-process';

export interface EscalatedRow {
  occurrence_id: string;
  /** The department that missed its deadline, and its role (whose ladder). */
  department: string;
  role: string;
  level: string;
  kind: string;
  due_at: string;
  at: Date;
  actor: string;
}

/**
 * The system under test: the real API in-process (SLAs shortened by SLA_TIME_SCALE), a private
 * redis-server, and real worker processes spawned from the compiled app.
 */
export class EscalationHarness {
  workers: WorkerProcess[] = [];

  private constructor(readonly api: ApiHarness, readonly redis: RedisServer, readonly workerEnv: Record<string, string>) {}

  static async start(slaTimeScale: number, workers = 2, workerEnv: Record<string, string> = {}): Promise<EscalationHarness> {
    const redis = await RedisServer.start();
    const api = await startApi({ SLA_TIME_SCALE: String(slaTimeScale), REDIS_URL: redis.url });
    const h = new EscalationHarness(api, redis, {
      DATABASE_URL: api.env.DATABASE_URL,
      DATABASE_POOL_SIZE: '6',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'test',
      JOB_LOCK_MS: '2000',
      RELAY_POLL_MS: '200',
      AUDIT_INTERVAL_MS: '3000',
      JOB_BACKOFF_MS: '100',
      ...workerEnv,
    });
    await h.ensureWorkers(workers);
    return h;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
    await this.api.close();
    await this.redis.down();
  }

  /** Makes sure `n` workers run (restarting killed ones). */
  async ensureWorkers(n = 2): Promise<void> {
    const started = await Promise.all(Array.from({ length: Math.max(0, n - this.workers.length) }, () => WorkerProcess.start(this.workerEnv)));
    this.workers.push(...started);
    await Promise.all(this.workers.filter((w) => w.pid === undefined).map((w) => w.restart()));
  }

  async fire(body: object = {}): Promise<OccurrenceDetail> {
    const res = await this.api.http().post('/api/v1/occurrences').set('authorization', this.api.auth('operator'))
      .send({ category: 'FIRE_BUILDING', location: PLACES.santaCatarina, description: 'Incêndio urbano', ...body });
    if (res.status !== 201) throw new Error(`intake answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as OccurrenceDetail;
  }

  async escalations(occurrenceIds?: string[]): Promise<EscalatedRow[]> {
    const { rows } = await this.api.db.query<EscalatedRow>(
      `SELECT occurrence_id, payload->>'department' AS department, payload->>'role' AS role, payload->>'level' AS level, payload->>'kind' AS kind, payload->>'dueAt' AS due_at, at, actor
         FROM occurrence_events WHERE type = 'ESCALATED' AND ($1::uuid[] IS NULL OR occurrence_id = ANY($1::uuid[]))
        ORDER BY tx_id, seq`,
      [occurrenceIds ?? null],
    );
    return rows;
  }

  async waitForEscalations(occurrenceIds: string[], n: number, timeoutMs = 15_000): Promise<EscalatedRow[]> {
    return waitFor(`${n} escalations`, async () => {
      const rows = await this.escalations(occurrenceIds);
      return rows.length >= n ? rows : null;
    }, timeoutMs, 50).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await this.diagnosis()}`);
    });
  }

  /** What the deadlines, the relay and the workers say, for a failure message. */
  async diagnosis(): Promise<string> {
    const { rows: d } = await this.api.db.query(
      `SELECT level, kind, coalesce(outcome, CASE WHEN due_at <= now() THEN 'OVERDUE' ELSE 'pending' END) AS o, count(*)::int AS n
         FROM escalation_deadlines GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    const { rows: c } = await this.api.db.query(`SELECT name, tx_id::text, seq FROM event_consumers`);
    const ready = await Promise.all(this.workers.map((w) => w.ready().catch((e: Error) => e.message)));
    return [
      `deadlines: ${d.map((r) => `${r.level} ${r.kind} ${r.o}: ${r.n}`).join(', ')}`,
      `consumers: ${JSON.stringify(c)}`,
      `readiness: ${JSON.stringify(ready)}`,
      ...this.workers.map((w, i) => `worker ${i} output:\n${w.output.slice(-3000)}`),
    ].join('\n');
  }

  /** The deadline rows of one ladder of the occurrence (the lead's unless told). */
  async deadlines(occurrenceId: string, department = 'FIRE'): Promise<Array<{ level: string; kind: string; due_at: Date; outcome: string | null }>> {
    const { rows } = await this.api.db.query(
      `SELECT level, kind, due_at, outcome FROM escalation_deadlines WHERE occurrence_id = $1 AND department = $2 ORDER BY due_at, level`,
      [occurrenceId, department],
    );
    return rows;
  }

  /** Waits until every deadline of these occurrences due by now + `aheadMs` has been processed. */
  async settle(aheadMs = 0, timeoutMs = 15_000): Promise<void> {
    await waitFor('due deadlines to be processed', async () => {
      const { rows } = await this.api.db.query(
        `SELECT count(*)::int AS n FROM escalation_deadlines WHERE outcome IS NULL AND due_at <= now() + make_interval(secs => $1)`,
        [aheadMs / 1000],
      );
      return rows[0].n === 0;
    }, timeoutMs);
  }
}

/**
 * What a P1 building fire nobody acknowledges escalates, per department, in ladder order: the
 * lead (FIRE) L1, L2, L3, each support department (CIVIL_PROTECTION, POLICE) L1, L2 (ADR 0017).
 */
export const P1_FIRE_ESCALATIONS = ['CIVIL_PROTECTION L1', 'CIVIL_PROTECTION L2', 'FIRE L1', 'FIRE L2', 'FIRE L3', 'POLICE L1', 'POLICE L2'];

/** Each department's escalations of one occurrence, in the order they were written ("FIRE L1", …). */
export function ladders(rows: readonly EscalatedRow[], occurrenceId: string): string[] {
  const mine = rows.filter((r) => r.occurrence_id === occurrenceId).map((r) => `${r.department} ${r.level}`);
  // Stable sort by department: each department's own order (L1 before L2) is kept.
  return mine.map((r, i) => [r, i] as const).sort(([a, i], [b, j]) => a.split(' ')[0].localeCompare(b.split(' ')[0]) || i - j).map(([r]) => r);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
