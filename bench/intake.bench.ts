/**
 * Intake benchmark, on the database as the machine ships it (it refuses to run when a planner or
 * JIT setting differs from PostgreSQL's built-in default, and reports the settings): latency at
 * 50/s before and after a 64-wide burst, saturation throughput (closed loop, autocannon)
 * alternated with pgbench TPC-B rounds, latency at fixed open-loop rates, and an open-loop run at
 * 3× the measured capacity (admitted p99, refused 503s, refused reports stored nowhere).
 * Writes its section of docs/benchmarks.md.
 *   npx tsx bench/intake.bench.ts [--seconds 20] [--rates 50,200,500] [--overload-runs 3] [--note "text"]
 *   npx tsx bench/intake.bench.ts --overload-only --capacity 700 [--overload-runs 3]   (the 3× step alone, not written to the report)
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startFloorServer } from './lib/floor-server';
import { openLoop, type OpenLoopResult } from './lib/open-loop';
import { CpuMeter, machineCpu, pidsMatching } from './lib/proc';
import { prepareTpcb, tpcb } from './lib/pgbench';
import { machineHeader, writeSection } from './lib/report';
import { createUser, freshDatabase, login, ROOT, startApi } from './lib/stack';
import { fmt, mean, median, percentile } from './lib/stats';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('seconds', '20'));
const RATES = arg('rates', '50,200,500').split(',').map(Number);
const NOTE = arg('note', '');
const OVERLOAD_RUNS = Number(arg('overload-runs', '3'));
const OVERLOAD_ONLY = process.argv.includes('--overload-only');
const PORT = 3950;
/** Operators, sensors and integration clients reporting at once: enough to keep the batch writer full. */
const CONNECTIONS = 64;
const CATEGORIES = ['FALLEN_TREE', 'TRAFFIC_LIGHT_FAULT', 'ROAD_OBSTRUCTION', 'NOISE', 'WASTE_OVERFLOW', 'FLOODING', 'TRAFFIC_ACCIDENT', 'ILLEGAL_PARKING'];

const addresses = readFileSync(join(ROOT, 'data/porto/addresses.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
  const v = l.split(',');
  return { address: `${v[0]} ${v[1]}`, lat: Number(v[3]), lon: Number(v[4]) };
});
const body = (i: number): string => {
  const a = addresses[i % addresses.length];
  return JSON.stringify({
    category: CATEGORIES[i % CATEGORIES.length],
    location: a,
    description: `Benchmark occurrence ${i} reported by an operator at ${a.address}`,
    flags: { blocksTraffic: i % 5 === 0 },
  });
};

/** Settings the planner and JIT decide with: a benchmark on a server that changed one is refused. */
const REPORTED = ['jit', 'jit_above_cost', 'jit_inline_above_cost', 'jit_optimize_above_cost', 'plan_cache_mode', 'random_page_cost',
  'effective_cache_size', 'work_mem', 'shared_buffers', 'synchronous_commit', 'max_connections'];

interface Setting { name: string; setting: string; unit: string | null; boot_val: string; source: string }

/** The server's settings as a new connection sees them (no session options), and the planner/JIT ones that are not PostgreSQL's defaults. */
async function databaseSettings(url: string): Promise<{ reported: Setting[]; tuned: Setting[] }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const reported = (await c.query<Setting>(
      `SELECT name, setting, unit, boot_val, source FROM pg_settings WHERE name = ANY($1) ORDER BY array_position($1, name)`, [REPORTED],
    )).rows;
    const tuned = (await c.query<Setting>(
      `SELECT name, setting, unit, boot_val, source FROM pg_settings
        WHERE category LIKE 'Query Tuning%' AND setting IS DISTINCT FROM boot_val ORDER BY name`,
    )).rows;
    return { reported, tuned };
  } finally {
    await c.end();
  }
}

const withUnit = (s: Setting, v: string): string => (s.unit ? `${v} × ${s.unit}` : v);

/** Idempotency keys of `keys` stored (as the bench operator's), by the scoped key's last part. */
async function storedKeys(url: string, keys: string[]): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM occurrences WHERE idempotency_key IS NOT NULL AND split_part(idempotency_key, ':', 3) = ANY($1::text[])`, [keys],
    );
    return rows[0].n;
  } finally {
    await c.end();
  }
}

/** Writes out the dirty pages pgbench left, so that intake's commits do not queue behind them. */
async function checkpoint(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CHECKPOINT');
  } finally {
    await c.end();
  }
}

async function saturation(token: string, seconds: number): Promise<number> {
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}/api/v1/occurrences`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (req) => ({ ...req, body: body(i++) }) }],
  });
  const ok = result['2xx'];
  if (result.non2xx > 0) console.warn(`  ${result.non2xx} non-2xx answers during saturation`);
  return ok / seconds;
}

type IntakeRequest = (i: number, key?: string) => { url: string; method: 'POST'; headers: Record<string, string>; body: string };

/** One 3× run's figures (ms unless said). */
interface OverloadRun {
  sent: number;
  admitted: number;
  refused: number;
  other: number;
  admittedP50: number;
  admittedP99: number;
  refusedP50: number;
  refusedP99: number;
  storedAdmitted: number;
  storedRefused: number;
  apiCpu: number;
  pgCpu: number;
  machineBusy: number;
  generator: OpenLoopResult['generator'];
}

/** Connections the generator opens before a run: the clients of a node hold theirs (keep-alive). */
const WARM_CONNECTIONS = 256;
/** Connections at most: enough that no request waits for one in the client while the admitted ones are answered. */
const OVERLOAD_CONNECTIONS = 2048;

/**
 * The open-loop run at 3× `capacity`, OVERLOAD_RUNS times (each report with its own Idempotency-Key),
 * then the same generator at the same rate against a server that only answers 503 (the floor of a
 * refusal on this machine, in the same run).
 */
async function overload(url: string, capacity: number, intake: IntakeRequest, apiPid: number): Promise<{ runs: OverloadRun[]; summary: string; markdown: string[] }> {
  const rate = Math.round(3 * capacity);
  const runs: OverloadRun[] = [];
  // 2 s at the rate, not measured: the node is already overloaded when a measured run starts.
  await openLoop(rate, 2, (i) => intake(2_900_000 + i, `bench-3x-warm-${i}`), (st) => st === 201, {
    connections: OVERLOAD_CONNECTIONS,
    warm: { url: `http://127.0.0.1:${PORT}/health/live`, connections: WARM_CONNECTIONS },
  });
  for (let k = 0; k < OVERLOAD_RUNS; k++) {
    if (k > 0) {
      await checkpoint(url);
      await new Promise((r) => setTimeout(r, 2000));
    }
    const keyOf = (i: number): string => `bench-3x-${k}-${i}`;
    const pg = pidsMatching((cmd) => cmd.startsWith('postgres'));
    const apiCpu = new CpuMeter(() => [apiPid]);
    const pgCpu = new CpuMeter(() => pg);
    const a0 = apiCpu.read();
    const p0 = pgCpu.read();
    const m0 = machineCpu();
    const t0 = performance.now();
    const over = await openLoop(rate, SECONDS, (i) => intake(2_000_000 + k * 100_000 + i, keyOf(i)), (st) => st === 201, {
      connections: OVERLOAD_CONNECTIONS,
      warm: { url: `http://127.0.0.1:${PORT}/health/live`, connections: WARM_CONNECTIONS },
    });
    const elapsed = performance.now() - t0;
    const m1 = machineCpu();
    const admitted = over.samples.flatMap((x, i) => (x?.status === 201 ? [{ i, ms: x.ms }] : []));
    const refused = over.samples.flatMap((x, i) => (x?.status === 503 ? [{ i, ms: x.ms }] : []));
    const run: OverloadRun = {
      sent: over.sent,
      admitted: admitted.length,
      refused: refused.length,
      other: over.sent - admitted.length - refused.length,
      admittedP50: percentile(admitted.map((a) => a.ms), 0.5),
      admittedP99: percentile(admitted.map((a) => a.ms), 0.99),
      refusedP50: percentile(refused.map((a) => a.ms), 0.5),
      refusedP99: percentile(refused.map((a) => a.ms), 0.99),
      storedAdmitted: await storedKeys(url, admitted.map((a) => keyOf(a.i))),
      storedRefused: await storedKeys(url, refused.map((a) => keyOf(a.i))),
      apiCpu: ((apiCpu.read() - a0) / elapsed) * 100,
      pgCpu: ((pgCpu.read() - p0) / elapsed) * 100,
      machineBusy: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100,
      generator: over.generator,
    };
    runs.push(run);
    console.log(`  open loop ${rate}/s (3× ${fmt(capacity, 0)}), run ${k + 1}: admitted ${run.admitted} (p50 ${fmt(run.admittedP50)}, p99 ${fmt(run.admittedP99)} ms), refused ${run.refused} (p50 ${fmt(run.refusedP50)}, p99 ${fmt(run.refusedP99)} ms), other ${run.other}; stored: ${run.storedAdmitted} of the admitted, ${run.storedRefused} of the refused; CPU API ${fmt(run.apiCpu, 0)}%, PostgreSQL ${fmt(run.pgCpu, 0)}%, generator ${fmt(run.generator.cpuPercent, 0)}%, machine ${fmt(run.machineBusy, 0)}% busy; generator late p99 ${fmt(run.generator.sendLate.p99)} ms, loop delay p99 ${fmt(run.generator.loopDelay.p99)} ms`);
    if (run.storedRefused !== 0 || run.storedAdmitted !== run.admitted) throw new Error('a refused report was stored, or an admitted one was not');
  }
  // The floor: the same generator, rate and requests against a server that only refuses.
  const floorPort = PORT + 1;
  const floor = await startFloorServer(floorPort);
  let floorRun: OpenLoopResult;
  try {
    floorRun = await openLoop(rate, SECONDS, (i) => ({ ...intake(3_000_000 + i, `floor-${i}`), url: `http://127.0.0.1:${floorPort}/api/v1/occurrences` }), (st) => st === 503, {
      connections: OVERLOAD_CONNECTIONS,
      warm: { url: `http://127.0.0.1:${floorPort}/health/live`, connections: WARM_CONNECTIONS },
    });
  } finally {
    await floor.stop();
  }
  const floorP50 = median(floorRun.latencies);
  const floorP99 = percentile(floorRun.latencies, 0.99);
  console.log(`  floor (a Fastify server that only answers 503) at ${rate}/s: p50 ${fmt(floorP50)}, p99 ${fmt(floorP99)} ms, errors ${floorRun.sent - floorRun.ok}; generator late p99 ${fmt(floorRun.generator.sendLate.p99)} ms, CPU ${fmt(floorRun.generator.cpuPercent, 0)}%`);
  const p99s = runs.map((r) => r.admittedP99);
  const range = (xs: number[], d = 1): string => `${fmt(median(xs), d)} (${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)})`;
  const summary = `  3× ${rate}/s over ${runs.length} runs: admitted p99 ${range(p99s)} ms, refused p99 ${range(runs.map((r) => r.refusedP99))} ms; floor p99 ${fmt(floorP99)} ms`;
  const markdown = [
    `At 3× the capacity just measured (${fmt(capacity, 0)} req/s → ${rate}/s open loop, ${SECONDS} s, each report with its own Idempotency-Key), ${runs.length} runs one after`,
    `the other after 2 s at the rate not measured; the generator opens ${WARM_CONNECTIONS} keep-alive connections before each run (up to ${OVERLOAD_CONNECTIONS}) and reports how late it sent and its own event-loop delay:`,
    '',
    '| run | sent | admitted (201) | admitted p50 / p99 ms | refused (503 + Retry-After) | refused p50 / p99 ms | other | refused reports stored | CPU: API / PostgreSQL / generator / machine busy | generator: sent late p99 ms, event-loop delay p99 ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map((r, k) => `| ${k + 1} | ${r.sent} | ${r.admitted} | ${fmt(r.admittedP50)} / **${fmt(r.admittedP99)}** | ${r.refused} | ${fmt(r.refusedP50)} / ${fmt(r.refusedP99)} | ${r.other} | ${r.storedRefused} (admitted stored: ${r.storedAdmitted} of ${r.admitted}) | ${fmt(r.apiCpu, 0)}% / ${fmt(r.pgCpu, 0)}% / ${fmt(r.generator.cpuPercent, 0)}% / ${fmt(r.machineBusy, 0)}% of 2 cores | ${fmt(r.generator.sendLate.p99)}, ${fmt(r.generator.loopDelay.p99)} |`),
    `| floor | ${floorRun.sent} | – | – | ${floorRun.ok} | ${fmt(floorP50)} / ${fmt(floorP99)} | ${floorRun.sent - floorRun.ok} | – | generator ${fmt(floorRun.generator.cpuPercent, 0)}% | ${fmt(floorRun.generator.sendLate.p99)}, ${fmt(floorRun.generator.loopDelay.p99)} |`,
    '',
    `Admitted p99, median of the runs (range): **${range(p99s)} ms**; refused p99 ${range(runs.map((r) => r.refusedP99))} ms. "floor": the same generator, rate and requests against`,
    'a Fastify server that answers every request 503 from an onRequest hook and does nothing else (same machine, same run): what a refusal costs at the least here.',
    '',
    'Target: admitted p99 ≤ 100 ms, every refused one 503 and stored nowhere. The load generator shares the 2 cores with the API and PostgreSQL',
    '(CPU columns: API and PostgreSQL processes, the generator, and the whole machine including other users).',
  ];
  return { runs, summary, markdown };
}

async function main(): Promise<void> {
  console.log('preparing databases');
  if (!OVERLOAD_ONLY) await prepareTpcb();
  const url = await freshDatabase('cgi_bench_intake');
  const settings = await databaseSettings(url);
  if (settings.tuned.length > 0 && !process.argv.includes('--allow-tuned')) {
    throw new Error(`the server is tuned (${settings.tuned.map((t) => `${t.name}=${t.setting}`).join(', ')}): the benchmark runs on PostgreSQL as it ships`);
  }
  const password = await createUser(url, 'bench-operator', 'CGI_OPERATOR', null);
  const api = await startApi(PORT, url, { RATE_LIMIT_USER_PER_MINUTE: '100000000' });
  const { Env } = (await import(join(ROOT, 'apps/api/dist/config/env.js'))) as { Env: new () => { INTAKE_MAX_QUEUE: number; INTAKE_MAX_WAIT_MS: number } };
  const maxQueue = process.env.INTAKE_MAX_QUEUE ?? `${new Env().INTAKE_MAX_QUEUE} (default)`;
  const maxWait = process.env.INTAKE_MAX_WAIT_MS ?? `${new Env().INTAKE_MAX_WAIT_MS} (default)`;
  try {
    const token = await login(PORT, 'bench-operator', password);
    const intake: IntakeRequest = (i, key) => ({
      url: `http://127.0.0.1:${PORT}/api/v1/occurrences`,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
      body: body(i),
    });

    // A fresh API process: 50/s, then the 64-wide burst that fills batches, then 50/s again.
    const burstRows: string[] = [];
    if (OVERLOAD_ONLY) {
      const capacity = Number(arg('capacity', ''));
      if (!(capacity > 0)) throw new Error('--overload-only needs --capacity <req/s>');
      await saturation(token, 3); // the burst that fills batches, as in the full run
      const o = await overload(url, capacity, intake, api.child.pid ?? 0);
      console.log(o.summary);
      return;
    }
    const at50 = async (label: string, offset: number): Promise<void> => {
      const r = await openLoop(50, SECONDS, (i) => intake(offset + i), (st) => st === 201);
      burstRows.push(`| ${label} | ${r.sent} | ${r.errors} | ${fmt(median(r.latencies))} | ${fmt(percentile(r.latencies, 0.95))} | ${fmt(percentile(r.latencies, 0.99))} | ${fmt(Math.max(...r.latencies))} |`);
      console.log(`  50/s ${label}: p50 ${fmt(median(r.latencies))} ms, p95 ${fmt(percentile(r.latencies, 0.95))} ms, p99 ${fmt(percentile(r.latencies, 0.99))} ms`);
    };
    await at50('before the burst', 500_000);
    await saturation(token, 3); // the 64-wide burst (and the warm-up of the rounds below)
    await at50('after the burst', 600_000);

    const pg: number[] = [];
    const apiRounds: number[] = [];
    for (let round = 0; round < 2; round++) {
      pg.push(await tpcb(SECONDS));
      await checkpoint(url); // pgbench's dirty pages written out before intake is measured
      console.log(`  pgbench TPC-B ${fmt(pg[pg.length - 1], 0)} tps`);
      apiRounds.push(await saturation(token, SECONDS));
      console.log(`  intake ${fmt(apiRounds[apiRounds.length - 1], 0)} req/s`);
    }
    pg.push(await tpcb(SECONDS));
    await checkpoint(url);
    console.log(`  pgbench TPC-B ${fmt(pg[pg.length - 1], 0)} tps`);
    const ratios = apiRounds.map((r, k) => r / mean([pg[k], pg[k + 1]]));

    const rows: string[] = [];
    for (const rate of RATES) {
      const r = await openLoop(rate, SECONDS, (i) => intake(100_000 + rate * 1000 + i), (st) => st === 201);
      const refused = r.samples.filter((x) => x?.status === 503).length;
      rows.push(`| ${rate}/s | ${r.sent} | ${refused} | ${r.errors - refused} | ${fmt(median(r.latencies))} | ${fmt(percentile(r.latencies, 0.99))} | ${fmt(Math.max(...r.latencies))} |`);
      console.log(`  open loop ${rate}/s: p50 ${fmt(median(r.latencies))} ms, p99 ${fmt(percentile(r.latencies, 0.99))} ms, 503 ${refused}, other errors ${r.errors - refused}`);
    }

    // Three times the capacity just measured: the bound refuses what it cannot take in time.
    const capacity = median(apiRounds);
    const o = await overload(url, capacity, intake, api.child.pid ?? 0);
    console.log(o.summary);
    writeSection('intake', [
      '## Intake',
      '',
      await machineHeader(),
      ...(NOTE ? ['', NOTE] : []),
      '',
      'PostgreSQL as the machine ships it: no planner or JIT setting differs from PostgreSQL\'s built-in default (the benchmark',
      'refuses to run otherwise); the API\'s connections set their own session settings (ADR 0015). A new connection sees:',
      '',
      '| setting | value | built-in default | source |',
      '|---|---|---|---|',
      ...settings.reported.map((st) => `| \`${st.name}\` | ${withUnit(st, st.setting)} | ${withUnit(st, st.boot_val)} | ${st.source} |`),
      '',
      `Operator intake (\`POST /api/v1/occurrences\`: validation, one read (parish, rules, levels, reference), routing, one statement writing the occurrence,`,
      `its assignments, escalation deadlines and events, answered with the stored occurrence; ADR 0012), reports that arrive together`,
      `written together (group commit, ADR 0013), one API process, Fastify, \`INTAKE_MAX_QUEUE\` ${maxQueue}, \`INTAKE_MAX_WAIT_MS\` ${maxWait} (ADR 0016); every connection plans for the tables as they are (\`plan_cache_mode = force_custom_plan\`, ADR 0015).`,
      '',
      `A fresh API process at 50/s, open loop, ${SECONDS} s, before and after a 3 s burst of ${CONNECTIONS} connections (large batches: from then on`,
      'a connection runs its prepared statements\' generic plans):',
      '',
      '| 50/s | sent | errors | p50 ms | p95 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|---|',
      ...burstRows,
      '',
      `Saturation: ${CONNECTIONS} client connections keep the batch writer full, as a storm's operators, sensors and integration clients would.`,
      '',
      `| round | pgbench TPC-B (8 clients) | intake, ${CONNECTIONS} connections, closed loop | ratio |`,
      '|---|---|---|---|',
      ...apiRounds.map((r, k) => `| ${k + 1} | ${fmt(mean([pg[k], pg[k + 1]]), 0)} tps (mean of the rounds around) | ${fmt(r, 0)} req/s | ${fmt(ratios[k], 2)} |`),
      '',
      `Median ratio to the same run's pgbench TPC-B: **${fmt(median(ratios), 2)}** (target ≥ 0.40). pgbench rounds: ${pg.map((x) => fmt(x, 0)).join(', ')} tps.`,
      '',
      `Latency at fixed rates, open loop (each request timed from its scheduled send time), ${SECONDS} s each:`,
      '',
      '| rate | sent | 503 | other errors | p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      ...o.markdown,
      '',
      'Reproduce: `npm run build && npx tsx bench/intake.bench.ts` (part of `npm run bench`).',
    ].join('\n'));
  } finally {
    await api.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
