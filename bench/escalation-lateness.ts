/**
 * Escalation lateness: N pending deadlines spread over a window, fired by real escalation worker
 * processes, beside raw BullMQ delayed jobs (no-op handler) on the same Redis in the same run.
 * Reports p50/p99/max lateness (fire time − deadline), lost and doubled escalations, and with
 * --outage how long after a 5 s Redis stall everything due during it had fired.
 * Writes the "Escalation lateness" section of docs/benchmarks.md.
 *   npm run bench:escalation -- [--deadlines 20000] [--window 120] [--workers 2] [--outage] [--full]
 * --full is the size: 100,000 deadlines over 10 minutes. Needs `npm run build` (API and worker).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Client } from 'pg';
import { machineHeader, writeSection } from './lib/report';
import { freshDatabase, ROOT } from './lib/stack';
import { fmt, percentile } from './lib/stats';

const has = (name: string): boolean => process.argv.includes(`--${name}`);
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const FULL = has('full');
const N = Number(arg('deadlines', FULL ? '100000' : '20000'));
const WINDOW_S = Number(arg('window', FULL ? '600' : '120'));
const WORKERS = Number(arg('workers', '2'));
const OUTAGE = has('outage');
const LEAD_S = 20; // time to schedule every timer before the first deadline
const WORKER_MAIN = join(ROOT, 'apps/escalation-worker/dist/main.js');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function redisCli(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn('redis-cli', ['-p', String(port), ...args]);
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`redis-cli ${code}`))));
  });
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const kill = (): void => children.forEach((c) => c.kill('SIGKILL'));
  process.on('exit', kill);
  // A private Redis (production settings for memory: noeviction), so the bench touches no one else's.
  const redisPort = await freePort();
  children.push(spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--enable-debug-command', 'local'], { stdio: 'ignore' }));
  while ((await redisCli(redisPort, 'PING').catch(() => '')) !== 'PONG') await sleep(50);
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const url = await freshDatabase('cgi_bench_escalation');
  const db = new Client({ connectionString: url });
  await db.connect();

  console.log(`› ${N} deadlines over ${WINDOW_S} s, ${WORKERS} workers${OUTAGE ? ', 5 s Redis outage mid-window' : ''}`);
  const start = Date.now() + LEAD_S * 1000;
  const dues = Array.from({ length: N }, (_, i) => start + Math.floor(((i + Math.random()) / N) * WINDOW_S * 1000));
  // Occurrences, their lead assignment and one pending L1 deadline each, written straight to the database.
  await db.query(`
    INSERT INTO occurrences (reference, category, priority, status, source, location, description, lead_department, rule_set_version, routing, dispatched_at)
    SELECT 'BENCH-' || i, 'FIRE_BUILDING', 'P1', 'DISPATCHED', 'OPERATOR', ST_SetSRID(ST_MakePoint(-8.61, 41.15), 4326)::geography,
           'bench', 'FIRE', 1, '{}'::jsonb, now() FROM generate_series(1, $1) i`, [N]);
  await db.query(`INSERT INTO occurrence_assignments (occurrence_id, department, role, state, assigned_at)
                  SELECT id, 'FIRE', 'LEAD', 'PENDING', now() FROM occurrences`);
  await db.query(`
    INSERT INTO escalation_deadlines (occurrence_id, department, kind, level, due_at)
    SELECT o.id, 'FIRE', 'ACKNOWLEDGE', 'L1', to_timestamp(d.due / 1000.0)
      FROM (SELECT id, row_number() OVER (ORDER BY reference) AS i FROM occurrences) o
      JOIN unnest($1::bigint[]) WITH ORDINALITY AS d(due, i) ON d.i = o.i`, [dues]);

  // Raw BullMQ on the same Redis: the same due times, a handler that only records its lateness.
  const raw = new Queue('raw-delayed', { connection: { host: '127.0.0.1', port: redisPort, maxRetriesPerRequest: null }, prefix: 'bench' });
  const rawLate: number[] = [];
  const rawSeen = new Set<string>();
  let rawDoubled = 0;
  const rawWorker = new Worker('raw-delayed', async (job) => {
    rawLate.push(Date.now() - (job.data as { due: number }).due);
    if (rawSeen.has(job.id!)) rawDoubled++;
    rawSeen.add(job.id!);
  }, { connection: { host: '127.0.0.1', port: redisPort, maxRetriesPerRequest: null }, prefix: 'bench', concurrency: 16 });
  const t0 = Date.now();
  for (let i = 0; i < N; i += 1000) {
    await raw.addBulk(dues.slice(i, i + 1000).map((due, j) => ({
      name: 'raw', data: { due }, opts: { jobId: `raw.${i + j}`, delay: Math.max(0, due - Date.now()), removeOnComplete: true },
    })));
  }
  console.log(`  raw jobs added in ${Date.now() - t0} ms`);

  // The workers: their auditor finds every pending deadline and schedules its timer.
  for (let i = 0; i < WORKERS; i++) {
    const port = await freePort();
    const w = spawn(process.execPath, [WORKER_MAIN], {
      env: {
        PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: url, REDIS_URL: redisUrl, QUEUE_PREFIX: 'bench',
        WORKER_PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TIMER_CONCURRENCY: '16', DATABASE_POOL_SIZE: '20',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(w);
  }
  const scheduled = Date.now();
  for (;;) {
    const n = Number(await redisCli(redisPort, 'ZCARD', 'bench:escalation-timers:delayed'));
    if (n >= N || Date.now() > start) break;
    await sleep(200);
  }
  console.log(`  escalation timers scheduled by the auditor in ${Date.now() - scheduled} ms`);
  if (Date.now() > start) console.log('  warning: scheduling overran the lead time; early deadlines are late by that much');

  let outage: { from: number; to: number } | null = null;
  if (OUTAGE) {
    await sleep(Math.max(0, start + (WINDOW_S * 1000) / 2 - Date.now()));
    const from = Date.now();
    await redisCli(redisPort, 'DEBUG', 'SLEEP', '5');
    outage = { from, to: Date.now() };
    console.log(`  Redis stalled for ${outage.to - outage.from} ms`);
  }
  const end = start + WINDOW_S * 1000;
  await sleep(Math.max(0, end - Date.now()));
  // Drain: wait until nothing is pending any more (or give up after 60 s: those are "lost").
  const drainUntil = Date.now() + 60_000;
  for (;;) {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM escalation_deadlines WHERE outcome IS NULL`);
    if ((rows[0].n === 0 && rawLate.length >= N) || Date.now() > drainUntil) break;
    await sleep(500);
  }

  const { rows: fired } = await db.query<{ late: number; due: Date }>(
    `SELECT (extract(epoch FROM fired_at - due_at) * 1000)::float8 AS late, due_at AS due FROM escalation_deadlines WHERE outcome = 'ESCALATED'`,
  );
  const { rows: [{ lost }] } = await db.query(`SELECT count(*)::int AS lost FROM escalation_deadlines WHERE outcome IS DISTINCT FROM 'ESCALATED'`);
  const { rows: [{ doubled }] } = await db.query(
    `SELECT coalesce(sum(n - 1), 0)::int AS doubled FROM (SELECT count(*) AS n FROM occurrence_events WHERE type = 'ESCALATED' GROUP BY payload->>'deadlineId') c`,
  );
  const esc = fired.map((r) => r.late);
  let outageLine = '';
  if (outage) {
    const during = fired.filter((r) => r.due.getTime() >= outage!.from && r.due.getTime() <= outage!.to);
    // `outage.to` is when the stalling command returned to the bench, a little after Redis resumed:
    // a backlog that fires at once can show as fired "before" it, so the figure is floored at 0.
    const lastAfter = Math.max(0, Math.max(...during.map((r) => r.due.getTime() + r.late)) - outage.to);
    outageLine = `| after a ${fmt((outage.to - outage.from) / 1000)} s Redis stall | ${during.length} deadlines were due during it; the last fired ${fmt(lastAfter / 1000, 2)} s after Redis returned (target ≤ 10 s) |`;
  }
  const ms = (v: number[], q: number): string => fmt(percentile(v, q), 0);
  const header = await machineHeader();
  const md = [
    '## Escalation lateness',
    '',
    header,
    '',
    `\`npm run bench:escalation -- --deadlines ${N} --window ${WINDOW_S} --workers ${WORKERS}${OUTAGE ? ' --outage' : ''}\`: ${N.toLocaleString('en')} pending deadlines`,
    `(one L1 each) spread over ${WINDOW_S} s, fired by ${WORKERS} escalation worker processes on a private Redis; raw BullMQ delayed`,
    'jobs with the same due times and a no-op handler run on the same Redis at the same time. Lateness = fire time − deadline',
    '(escalation: the firing transaction\'s start, `fired_at`; raw: handler start). Timers were created by the auditor from PostgreSQL.',
    '',
    '| | p50 | p99 | max | fired | not fired by the end | doubled |',
    '|---|---|---|---|---|---|---|',
    `| escalation (lock, check, event, notifications) | ${ms(esc, 0.5)} ms | ${ms(esc, 0.99)} ms | ${ms(esc, 1)} ms | ${esc.length} | ${lost} | ${doubled} |`,
    `| raw BullMQ delayed job | ${ms(rawLate, 0.5)} ms | ${ms(rawLate, 0.99)} ms | ${ms(rawLate, 1)} ms | ${rawLate.length} | ${N - rawSeen.size} | ${rawDoubled} |`,
    ...(outageLine ? ['', '| outage | result |', '|---|---|', outageLine] : []),
    '',
    `p99 ratio escalation / raw: ${fmt(percentile(esc, 0.99) / Math.max(1, percentile(rawLate, 0.99)), 2)}.`,
  ].join('\n');
  console.log(md);
  writeSection('escalation-lateness', md);
  await rawWorker.close();
  await raw.close();
  await db.end();
  kill();
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
