/**
 * Live feed latency: an occurrence's events → received by 20 consoles connected to two API nodes
 * (10 each; the relay runs on one, so half the deliveries cross Redis). Open loop: work is sent on a
 * fixed schedule and each latency is timed from its SCHEDULED time. Two sources of events:
 * - "intake": POST /api/v1/occurrences to one node (the whole path, bounded by the intake's own capacity);
 * - "feed": the intake's write without HTTP — one transaction appending two events (like created +
 *   dispatched) to an existing occurrence — so the feed is measured at rates the intake cannot reach here.
 * Writes its section of docs/benchmarks.md.
 *   npm run build && npx tsx bench/live-feed-latency.bench.ts [--seconds 10] [--rates 50,200,500] [--intake-rates 50,200]
 */
import { JwtService } from '@nestjs/jwt';
import { Client, Pool } from 'pg';
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type LiveClientEvents, type LiveServerEvents } from '@cgi/shared';
import { openLoop } from './lib/open-loop';
import { machineHeader, writeSection } from './lib/report';
import { createUser, freshDatabase, JWT_SECRET, login, startApi } from './lib/stack';
import { fmt, median, percentile } from './lib/stats';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('seconds', '10'));
const RATES = arg('rates', '50,200,500').split(',').map(Number);
const INTAKE_RATES = arg('intake-rates', '50,200').split(',').map(Number);
const INTAKE_SECONDS = 5;
const CONSOLES = 20;
const PORTS = [3960, 3961];
const DRAIN_MS = 15_000;

type FeedSocket = Socket<LiveServerEvents, LiveClientEvents>;

async function viewerToken(url: string): Promise<string> {
  await createUser(url, 'bench-videowall', 'VIEWER', null);
  const c = new Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ id: string }>(`SELECT id FROM users WHERE username = 'bench-videowall'`);
  await c.end();
  return new JwtService({ secret: JWT_SECRET }).sign({ sub: rows[0].id, username: 'bench-videowall', role: 'VIEWER', department: null }, { expiresIn: 3600 });
}

/** Scheduled times by key, and what the consoles received for them. */
class Probe {
  scheduled = new Map<string, number>();
  latencies: number[] = [];
  reset(): void {
    this.scheduled.clear();
    this.latencies = [];
  }
  seen(key: string | undefined): void {
    const at = key === undefined ? undefined : this.scheduled.get(key);
    if (at !== undefined) this.latencies.push(performance.now() - at);
  }
  async drain(expected: number): Promise<void> {
    const started = performance.now();
    while (this.latencies.length < expected && performance.now() - started < DRAIN_MS) await new Promise((r) => setTimeout(r, 50));
  }
}

/** Open loop of SQL transactions (the intake's write without HTTP), timed from their scheduled start. */
async function sqlOpenLoop(pool: Pool, rate: number, seconds: number, occurrences: string[], probe: Probe, tag: string): Promise<{ sent: number; ok: number; elapsed: number }> {
  const total = Math.round(rate * seconds);
  const t0 = performance.now() + 50;
  let ok = 0;
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const key = `${tag}-${i}`;
    probe.scheduled.set(key, due);
    const occ = occurrences[i % occurrences.length];
    inFlight.push(
      pool
        .query(
          `INSERT INTO occurrence_events (occurrence_id, type, actor, departments, payload) VALUES
             ($1, 'NOTE_ADDED', 'bench', '{CIVIL_PROTECTION}', $2::jsonb), ($1, 'NOTE_ADDED', 'bench', '{CIVIL_PROTECTION}', '{}'::jsonb)`,
          [occ, JSON.stringify({ bench: key })],
        )
        .then(() => void ok++, () => undefined),
    );
  }
  await Promise.all(inFlight);
  return { sent: total, ok, elapsed: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const url = await freshDatabase('cgi_bench_live');
  const password = await createUser(url, 'bench-operator', 'CGI_OPERATOR', null);
  const env = { RATE_LIMIT_USER_PER_MINUTE: '100000000', LIVE_HEARTBEAT_MS: '1000' };
  const nodes = [await startApi(PORTS[0], url, env), await startApi(PORTS[1], url, env)];
  const sockets: FeedSocket[] = [];
  const pool = new Pool({ connectionString: url, max: 8 });
  try {
    const token = await login(PORTS[0], 'bench-operator', password);
    const viewer = await viewerToken(url);
    const probe = new Probe();
    for (let k = 0; k < CONSOLES; k++) {
      const s: FeedSocket = io(`http://127.0.0.1:${PORTS[k % 2]}${LIVE_NAMESPACE}`, { auth: { token: viewer }, transports: ['websocket'], forceNew: true });
      s.on('occurrence:event', (e) => {
        if (e.event.type === 'OCCURRENCE_CREATED') probe.seen(/^live-bench (\S+)$/.exec(e.occurrence?.description ?? '')?.[1]);
        else if (e.event.type === 'NOTE_ADDED' && typeof e.event.payload.bench === 'string') probe.seen(e.event.payload.bench);
      });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      sockets.push(s);
    }

    const intakeRows: string[] = [];
    const occurrences: string[] = [];
    for (const rate of [20, ...INTAKE_RATES]) {
      probe.reset();
      const t0 = performance.now() + 50; // openLoop's schedule: request i is due at start + 50 ms + i / rate
      const r = await openLoop(rate, rate === 20 ? 2 : INTAKE_SECONDS, (i) => {
        probe.scheduled.set(`${rate}-${i}`, t0 + (i * 1000) / rate);
        return {
          url: `http://127.0.0.1:${PORTS[0]}/api/v1/occurrences`,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            category: 'FALLEN_TREE',
            location: { lat: 41.15 + (i % 100) * 0.0003, lon: -8.61 + (i % 37) * 0.0003, address: `Rua ${i}` },
            description: `live-bench ${rate}-${i}`,
          }),
        };
      }, (st) => st === 201);
      const elapsed = (performance.now() - t0) / 1000;
      await probe.drain(r.ok * CONSOLES);
      if (rate === 20) continue; // warm-up
      const l = probe.latencies;
      intakeRows.push(`| ${rate}/s | ${r.sent} | ${fmt(r.ok / elapsed, 0)}/s | ${r.errors} | ${fmt(median(r.latencies))} | ${fmt(percentile(r.latencies, 0.99))} | ${l.length}/${r.ok * CONSOLES} | ${fmt(median(l))} | ${fmt(percentile(l, 0.99))} |`);
      console.log(`  intake ${rate}/s: intake p50 ${fmt(median(r.latencies))} ms; console p50 ${fmt(median(l))} p99 ${fmt(percentile(l, 0.99))} ms; ${l.length}/${r.ok * CONSOLES}`);
    }
    const { rows } = await pool.query<{ id: string }>(`SELECT id FROM occurrences LIMIT 200`);
    occurrences.push(...rows.map((x) => x.id));

    const feedRows: string[] = [];
    for (const rate of [20, ...RATES]) {
      probe.reset();
      const r = await sqlOpenLoop(pool, rate, rate === 20 ? 2 : SECONDS, occurrences, probe, `feed${rate}`);
      await probe.drain(r.ok * CONSOLES);
      if (rate === 20) continue;
      const l = probe.latencies;
      feedRows.push(`| ${rate}/s | ${r.sent} | ${fmt(r.ok / r.elapsed, 0)}/s | ${l.length}/${r.ok * CONSOLES} | ${fmt(median(l))} | ${fmt(percentile(l, 0.99))} | ${fmt(Math.max(...l))} |`);
      console.log(`  feed ${rate}/s: console p50 ${fmt(median(l))} p99 ${fmt(percentile(l, 0.99))} ms; ${l.length}/${r.ok * CONSOLES}`);
    }

    writeSection('live', [
      '## Live feed latency',
      '',
      await machineHeader(),
      '',
      `${CONSOLES} consoles (VIEWER sockets, socket.io-client over WebSocket, all in the bench process), 10 on each of two API`,
      'processes sharing one PostgreSQL and one Redis (Redis Streams adapter); the relay runs on one of them, so half of the',
      "deliveries cross Redis. Open loop: work sent on a fixed schedule, each latency timed from its scheduled time until a",
      'console receives the event, so queueing anywhere (intake, PostgreSQL, relay, Redis, Socket.IO, the consoles) counts.',
      '',
      `**Feed** (the target): each "occurrence" is one transaction appending two events, as the intake writes them, by SQL`,
      `(8 connections), ${SECONDS} s per rate after 2 s at 20/s:`,
      '',
      '| rate asked | transactions | completed rate | deliveries | p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|---|',
      ...feedRows,
      '',
      `**Intake end to end** (\`POST /api/v1/occurrences\` to one node → \`OCCURRENCE_CREATED\` at the consoles), ${INTAKE_SECONDS} s per rate.`,
      'Above the intake\'s own capacity on this machine (see "Intake") requests queue and the latency is the queue\'s:',
      '',
      '| rate asked | sent | completed rate | intake errors | intake p50 ms | intake p99 ms | deliveries | console p50 ms | console p99 ms |',
      '|---|---|---|---|---|---|---|---|---|',
      ...intakeRows,
      '',
      'Target: p99 under 150 ms at 200/s. Deliveries count events seen by the consoles within 15 s (expected: all; a console',
      'that falls behind is caught up from the event log, never skipped).',
      '',
      'Reproduce: `npm run build && npm run bench:live` (part of `npm run bench`).',
    ].join('\n'));
  } finally {
    sockets.forEach((s) => s.disconnect());
    await pool.end();
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
