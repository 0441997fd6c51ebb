import { JwtService } from '@nestjs/jwt';
import { Client } from 'pg';
import { compareLivePositions, type Department, type Role } from '@cgi/shared';
import { LIVE_CONSUMER } from '../../apps/api/src/live/live-feed.repository';
import { LIVE_RELAY_LOCK } from '../../apps/api/src/live/live-relay.service';
import { RELAY_CONSUMER } from '../../apps/escalation-worker/src/relay/outbox-relay.service';
import { RedisServer, waitFor, WorkerProcess } from '../../apps/escalation-worker/test/support/worker-process';
import { ApiProcess, FaultConsole, migrate, sleep } from './support/fault-cluster';
import { PrivatePostgres } from './support/private-postgres';

/**
 * Faults across nodes (issue 21, point 7), on a PostgreSQL cluster and a redis-server of the
 * test's own. Two built API nodes and two escalation workers; consoles on both nodes; operator
 * intake at 20 reports/s alternating between the nodes, each report with its own Idempotency-Key,
 * retried (on the next node) after a network error or a 5xx. Mid-run: kill -9 of the API node
 * that runs the live relay and of the worker that runs the outbox relay; later PostgreSQL stops
 * as in a crash (`pg_ctl stop -m immediate`: every backend killed, WAL replayed at start) and
 * comes back. Asserted: correctness, and one bound in time (201 again within 5 s of PostgreSQL
 * accepting connections). The figures go to docs/benchmarks.md ("Reliability").
 */

const JWT_SECRET = 'faults-test-secret-faults-test-secret-01';
/** 1 SLA minute = 600 ms: acknowledge (L1) 1.2 s after dispatch, L2 2.4 s, L3 3.6 s, on scene 6 s; resolve 144 s. */
const SLA_TIME_SCALE = 0.01;
const RATE_PER_S = 20;
/** Intake runs this long, and at least AFTER_READY_MS past PostgreSQL's return. */
const INTAKE_MS = 20_000;
const AFTER_READY_MS = 5_000;
const KILL_AT_MS = 5_000;
const PG_STOP_AT_MS = 10_000;
const PG_DOWN_MS = 3_000;
/**
 * A request not answered in this long is abandoned and retried (the server may still store it:
 * the Idempotency-Key makes the retry safe). Long, because a loaded machine is slow, not faulty.
 */
const REQUEST_TIMEOUT_MS = 30_000;
/** Clients retry until this long after the last report was sent; then the test fails: every report must get its 201. */
const GIVE_UP_AFTER_INTAKE_MS = 60_000;
/** Recovery bound: intake answers 201 again within this long of PostgreSQL accepting connections. */
const RECOVERY_BOUND_MS = 5_000;

type Who = 'operator' | 'viewer' | 'fireAgent';
const USERS: Record<Who, { role: Role; department: Department | null }> = {
  operator: { role: 'CGI_OPERATOR', department: null },
  viewer: { role: 'VIEWER', department: null },
  fireAgent: { role: 'DEPARTMENT_AGENT', department: 'FIRE' },
};

interface Answer {
  node: string;
  sentAt: number;
  at: number;
  status: number | 'network';
  body?: { id?: string; error?: { code?: unknown; message?: unknown; correlationId?: unknown } };
  retryAfter?: string | null;
  replayed?: boolean;
  error?: string;
}

interface Report {
  key: string;
  answers: Answer[];
  /** Occurrence ids of its 201 answers (one, however many answers). */
  ids: Set<string>;
}

describe('faults across nodes: kill -9 of an API node and a worker, then a PostgreSQL crash and restart', () => {
  let pg: PrivatePostgres;
  let redis: RedisServer;
  let url: string;
  const nodes: ApiProcess[] = [];
  const workers: WorkerProcess[] = [];
  const consoles: FaultConsole[] = [];
  const tokens = new Map<Who, string>();

  beforeAll(async () => {
    [pg, redis] = await Promise.all([PrivatePostgres.create(), RedisServer.start()]);
    url = pg.url('cgi');
    await migrate(url);
    const db = new Client({ connectionString: url });
    await db.connect();
    const jwt = new JwtService({ secret: JWT_SECRET, signOptions: { expiresIn: 3600 } });
    for (const [username, { role, department }] of Object.entries(USERS) as Array<[Who, (typeof USERS)[Who]]>) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO users (username, display_name, password_hash, role, department) VALUES ($1, $1, 'x', $2, $3) RETURNING id`,
        [username, role, department],
      );
      tokens.set(username, jwt.sign({ sub: rows[0].id, username, role, department }));
    }
    await db.end();
    const apiEnv = {
      DATABASE_URL: url,
      REDIS_URL: redis.url,
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      SLA_TIME_SCALE: String(SLA_TIME_SCALE),
      LIVE_HEARTBEAT_MS: '300',
      LIVE_LEADER_RETRY_MS: '200',
      LIVE_POLL_MS: '100',
      RATE_LIMIT_USER_PER_MINUTE: '1000000',
      RETENTION_JOB_CRON: 'off',
    };
    const workerEnv = {
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: '6',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'faults',
      JOB_LOCK_MS: '2000',
      RELAY_POLL_MS: '200',
      AUDIT_INTERVAL_MS: '3000',
      JOB_BACKOFF_MS: '100',
    };
    // api-1 first, until it holds the live relay's lock: the node killed later is the relay.
    nodes.push(await ApiProcess.start('api-1', apiEnv));
    const probe = new Client({ connectionString: url });
    await probe.connect();
    await waitFor('api-1 to lead the live relay', async () => {
      const { rows } = await probe.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`, [LIVE_RELAY_LOCK]);
      return rows.length === 1;
    }, 30_000, 50);
    await probe.end();
    nodes.push(await ApiProcess.start('api-2', apiEnv));
    workers.push(...(await Promise.all([WorkerProcess.start(workerEnv), WorkerProcess.start(workerEnv)])));
    await waitFor('an outbox relay', async () => (await leadingWorker()) !== undefined, 20_000);
    for (const node of nodes) {
      for (const who of ['viewer', 'fireAgent'] as const) {
        const c = new FaultConsole(`${who}@${node.name}`, tokens.get(who)!, () => nodes);
        await c.start(node);
        consoles.push(c);
      }
    }
  }, 180_000);

  afterAll(async () => {
    consoles.forEach((c) => c.close());
    await Promise.all([...nodes.map((n) => n.stop()), ...workers.map((w) => w.stop())]);
    await redis?.down();
    await pg?.destroy();
  }, 60_000);

  async function leadingWorker(): Promise<WorkerProcess | undefined> {
    for (const w of workers) {
      if (w.pid !== undefined && /^outbox_relay_leader 1$/m.test(await w.metrics().catch(() => ''))) return w;
    }
    return undefined;
  }

  it('stores every acknowledged report once, loses and doubles no escalation, consoles miss no event; 503 while PostgreSQL is down, 201 within 5 s of its return', async () => {
    const operator = `Bearer ${tokens.get('operator')}`;
    const t0 = Date.now();

    /** One report, retried with backoff on the next node until it gets its 201 (or the client gives up). */
    async function report(i: number): Promise<Report> {
      const r: Report = { key: `faults-${i}`, answers: [], ids: new Set() };
      const body = JSON.stringify({
        category: 'FIRE_BUILDING',
        location: { lat: 41.1496 + (i % 40) * 0.0002, lon: -8.6063, address: `Rua de Santa Catarina ${i}` },
        description: `fault test ${i}`,
      });
      for (let attempt = 0; ; attempt++) {
        const node = nodes[(i + attempt) % nodes.length];
        const sentAt = Date.now();
        try {
          const res = await fetch(`${node.url}/api/v1/occurrences`, {
            method: 'POST',
            headers: { authorization: operator, 'content-type': 'application/json', 'idempotency-key': r.key },
            body,
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const text = await res.text();
          let parsed: Answer['body'];
          try {
            parsed = JSON.parse(text) as Answer['body'];
          } catch {
            parsed = undefined;
          }
          r.answers.push({ node: node.name, sentAt, at: Date.now(), status: res.status, body: parsed,
            retryAfter: res.headers.get('retry-after'), replayed: res.headers.get('idempotent-replayed') === 'true' });
          if (res.status === 201) {
            r.ids.add(String(parsed?.id));
            return r;
          }
          if (res.status < 500) return r; // refused: not retried (and the test fails on it)
        } catch (err) {
          r.answers.push({ node: node.name, sentAt, at: Date.now(), status: 'network', error: (err as Error).message });
        }
        if (Date.now() > intakeUntil + GIVE_UP_AFTER_INTAKE_MS) return r;
        await sleep(Math.min(1000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
    }

    // Intake at a steady rate (open loop: an outage does not slow the sending down).
    let intakeUntil = t0 + INTAKE_MS;
    const reports: Array<Promise<Report>> = [];
    const sending = (async () => {
      for (let i = 0; t0 + i * (1000 / RATE_PER_S) <= intakeUntil; i++) {
        await sleep(t0 + i * (1000 / RATE_PER_S) - Date.now());
        reports.push(report(i));
      }
    })();

    // Fault 1: kill -9 the API node running the live relay and the worker running the outbox relay.
    await sleep(t0 + KILL_AT_MS - Date.now());
    const [deadNode, survivor] = nodes;
    const deadWorker = (await leadingWorker())!;
    const moved = consoles.filter((c) => c.node === deadNode);
    expect(moved).toHaveLength(2);
    const killedAt = Date.now();
    await Promise.all([deadNode.kill9(), deadWorker.kill9()]);
    await waitFor('the killed node\'s consoles on the other node', async () => moved.every((c) => c.connected && c.node === survivor), 15_000, 20);
    const reconnectMs = Math.max(...moved.map((c) => c.reconnects[0].ms));
    expect(moved.map((c) => c.reconnects.map((r) => `${r.from}→${r.to}`))).toEqual([['api-1→api-2'], ['api-1→api-2']]);

    // Fault 2: PostgreSQL crashes (immediate stop) and comes back after PG_DOWN_MS; intake goes on.
    await sleep(t0 + PG_STOP_AT_MS - Date.now());
    const stoppingAt = Date.now();
    await pg.stop('immediate');
    const downAt = Date.now();
    await sleep(PG_DOWN_MS);
    const restartAt = Date.now();
    await pg.start();
    // When PostgreSQL said it accepts connections again, by its own log (this process may be slow to notice on a loaded machine).
    const readyAt = pg.readySince(restartAt);
    intakeUntil = Math.max(intakeUntil, readyAt + AFTER_READY_MS);

    await sending;
    const done = await Promise.all(reports);
    const intakeEnd = Date.now();

    // --- What the clients were told.
    const answers = done.flatMap((r) => r.answers);
    const statuses = answers.reduce<Record<string, number>>((acc, a) => ({ ...acc, [String(a.status)]: (acc[String(a.status)] ?? 0) + 1 }), {});
    const unavailable = answers.filter((a) => a.status === 503);
    // Recovery: from PostgreSQL accepting connections to the first 201 (of a request that may have been waiting for it).
    const firstServed = answers.filter((a) => a.status === 201 && a.at >= readyAt).sort((a, b) => a.at - b.at)[0];
    const recoveryMs = firstServed ? firstServed.at - readyAt : Infinity;
    const firstSentAfter = answers.filter((a) => a.status === 201 && a.sentAt >= readyAt).sort((a, b) => a.at - b.at)[0];
    const lastUnavailable = Math.max(...unavailable.map((a) => a.at));
    // Every report got its 201, once the faults were over.
    expect(done.filter((r) => r.ids.size === 0).map((r) => ({ key: r.key, answers: r.answers.slice(-3) }))).toEqual([]);
    // Never a 500, nor anything but 201, 503 or (to the killed node) no answer at all.
    expect(answers.filter((a) => a.status !== 201 && a.status !== 503 && a.status !== 'network')).toEqual([]);
    // The surviving node never dropped a connection (a client may have given up waiting on a loaded machine).
    expect(answers.filter((a) => a.status === 'network' && a.node !== deadNode.name && !/timeout/i.test(a.error ?? ''))).toEqual([]);
    // While PostgreSQL was down, the surviving node answered 503 in the one error shape, with Retry-After:
    // UNAVAILABLE (the database refused), or OVERLOADED for a report that waited past intake's
    // latency budget behind a batch stuck on the dead connection (ADR 0016); nothing stored either way.
    const duringOutage = answers.filter((a) => a.node === survivor.name && a.sentAt >= downAt && a.at <= restartAt);
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.filter((a) => a.status !== 503)).toEqual([]);
    for (const a of unavailable) {
      expect(a.body?.error).toEqual({ code: expect.stringMatching(/^(UNAVAILABLE|OVERLOADED)$/), message: expect.any(String), correlationId: expect.any(String) });
      expect(a.retryAfter).toBe('1');
    }
    // 201 again within 5 s of PostgreSQL accepting connections.
    expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);

    // --- What was stored: every acknowledged key exactly once, as the occurrence it was answered with.
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      const { rows: stored } = await db.query<{ key: string; n: number; ids: string[] }>(
        `SELECT substring(idempotency_key FROM '^user:[^:]+:(.*)$') AS key, count(*)::int AS n, array_agg(id::text) AS ids
           FROM occurrences GROUP BY 1`,
      );
      const byKey = new Map(stored.map((s) => [s.key, s]));
      expect(stored.filter((s) => s.n !== 1)).toEqual([]);
      expect([...byKey.keys()].sort()).toEqual(done.map((r) => r.key).sort());
      for (const r of done) expect([...r.ids]).toEqual(byKey.get(r.key)!.ids);

      // --- Escalations: every deadline settled (none pending but the far RESOLVE ones, none overdue), each escalation once.
      await waitFor('every due deadline to be fired', async () => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM escalation_deadlines WHERE outcome IS NULL AND (kind <> 'RESOLVE' OR due_at <= now())`,
        );
        return rows[0].n === 0;
      }, 45_000, 200).catch(async (err: Error) => {
        const { rows } = await db.query(
          `SELECT kind, level, count(*)::int AS n, min(due_at) AS first FROM escalation_deadlines WHERE outcome IS NULL GROUP BY 1, 2`,
        );
        throw new Error(`${err.message}: ${JSON.stringify(rows)}\n${workers.map((w) => w.output.slice(-2000)).join('\n---\n')}`);
      });
      const { rows: [esc] } = await db.query<{ fired: number; events: number; doubled: number; unmatched: number; orphan: number; due: number }>(
        `WITH e AS (SELECT payload->>'deadlineId' AS deadline_id, occurrence_id, payload->>'department' AS department,
                           payload->>'kind' AS kind, payload->>'level' AS level, payload->>'dueAt' AS due_at
                      FROM occurrence_events WHERE type = 'ESCALATED')
         SELECT (SELECT count(*)::int FROM escalation_deadlines WHERE outcome = 'ESCALATED') AS fired,
                (SELECT count(*)::int FROM e) AS events,
                (SELECT count(*)::int FROM (SELECT 1 FROM e GROUP BY occurrence_id, department, kind, level, due_at HAVING count(*) > 1) x)
                  + (SELECT count(*)::int FROM (SELECT 1 FROM e GROUP BY deadline_id HAVING count(*) > 1) y) AS doubled,
                (SELECT count(*)::int FROM escalation_deadlines d WHERE d.outcome = 'ESCALATED'
                    AND NOT EXISTS (SELECT 1 FROM e WHERE e.deadline_id = d.id::text)) AS unmatched,
                (SELECT count(*)::int FROM e WHERE NOT EXISTS (
                    SELECT 1 FROM escalation_deadlines d WHERE d.id::text = e.deadline_id AND d.outcome = 'ESCALATED')) AS orphan,
                (SELECT count(*)::int FROM escalation_deadlines WHERE due_at <= now()) AS due`,
      );
      expect(esc.fired).toBeGreaterThan(done.length); // L1, L2, L3… of every occurrence
      expect({ doubled: esc.doubled, unmatched: esc.unmatched, orphan: esc.orphan, events: esc.events }).toEqual({
        doubled: 0, unmatched: 0, orphan: 0, events: esc.fired,
      });

      // --- Consoles: every event of the log up to its head now, since each console started, once, in order (after resume).
      const { rows: [{ head }] } = await db.query<{ head: string }>(
        `SELECT tx_id::text || '.' || seq::text AS head FROM occurrence_events ORDER BY tx_id DESC, seq DESC LIMIT 1`,
      );
      const expected = async (c: FaultConsole): Promise<string[]> => {
        const [tx, seq] = c.from.split('.');
        const [headTx, headSeq] = head.split('.');
        const fire = c.name.startsWith('fireAgent');
        const { rows } = await db.query<{ p: string }>(
          `SELECT tx_id::text || '.' || seq::text AS p FROM occurrence_events
            WHERE (tx_id, seq) > ($1::text::xid8, $2::bigint) AND (tx_id, seq) <= ($3::text::xid8, $4::bigint)
              ${fire ? `AND 'FIRE' = ANY(departments)` : ''}
            ORDER BY tx_id, seq`,
          [tx, seq, headTx, headSeq],
        );
        return rows.map((r) => r.p);
      };
      const wanted = new Map<FaultConsole, string[]>();
      for (const c of consoles) wanted.set(c, await expected(c));
      // A console's cursor at the head (by an event or a heartbeat): everything up to it that concerns it was sent.
      await waitFor('every console to catch up', async () => consoles.every((c) => compareLivePositions(c.cursor.position, head) >= 0), 30_000, 100)
        .catch((err: Error) => {
          throw new Error(`${err.message}: ${consoles.map((c) => `${c.name} ${c.applied.length}/${wanted.get(c)!.length}`).join(', ')}\n${survivor.output.slice(-3000)}`);
        });
      for (const c of consoles) {
        const applied = c.applied.filter((p) => compareLivePositions(p, head) <= 0);
        expect({ console: c.name, reloads: c.reloads, applied }).toEqual({ console: c.name, reloads: 0, applied: wanted.get(c) });
      }

      // --- Both relays run again after the restart (on the survivors): their checkpoints reach the end of the log.
      await waitFor('the live relay and the outbox relay at the end of the log', async () => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM event_consumers c
            WHERE c.name = ANY($1::text[])
              AND (c.tx_id, c.seq) >= (SELECT tx_id, seq FROM occurrence_events ORDER BY tx_id DESC, seq DESC LIMIT 1)`,
          [[LIVE_CONSUMER, RELAY_CONSUMER]],
        );
        return rows[0].n === 2;
      }, 20_000, 100);
      expect(await workers.find((w) => w !== deadWorker)!.metrics()).toMatch(/^outbox_relay_leader 1$/m);

      // --- The figures (docs/benchmarks.md, "Reliability").
      const retried = done.filter((r) => r.answers.length > 1).length;
      const figures = {
        'reports sent (distinct Idempotency-Keys)': done.length,
        'requests (with retries)': answers.length,
        'answered 201': statuses['201'] ?? 0,
        'of which replays (Idempotent-Replayed)': answers.filter((a) => a.replayed).length,
        'answered 503 (UNAVAILABLE, or OVERLOADED past the latency budget)': unavailable.length,
        'answered 500': statuses['500'] ?? 0,
        'no answer (killed node; or the client gave up waiting)': statuses.network ?? 0,
        'reports that needed a retry': retried,
        'max attempts of one report': Math.max(...done.map((r) => r.answers.length)),
        'stored, each exactly once': stored.length,
        'PostgreSQL down (stop → accepting again), ms': readyAt - stoppingAt,
        'PostgreSQL start → accepting connections, ms': readyAt - restartAt,
        'recovery: accepting connections → first 201, ms': recoveryMs,
        'accepting connections → first 201 to a request sent after it, ms': firstSentAfter ? firstSentAfter.at - readyAt : 'none',
        'last 503 after accepting connections, ms': lastUnavailable - readyAt,
        'consoles of the killed node: kill → reconnected on the other node, ms': reconnectMs,
        'escalations fired (each once)': esc.fired,
        'events delivered to the 4 consoles (after de-duplication)': consoles.reduce((n, c) => n + c.applied.length, 0),
        'duplicates dropped by the consoles': consoles.reduce((n, c) => n + c.duplicates, 0),
        'intake phase, s': Math.round((intakeEnd - t0) / 100) / 10,
        'kill -9 at, s': Math.round((killedAt - t0) / 100) / 10,
      };
      console.log(`fault test figures:\n${Object.entries(figures).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
    } finally {
      await db.end();
    }
  }, 180_000);
});
