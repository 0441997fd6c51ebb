/**
 * Intake benchmark: saturation throughput (closed loop, autocannon) alternated with pgbench TPC-B
 * rounds, and latency at fixed open-loop rates. Writes its section of docs/benchmarks.md.
 *   npx tsx bench/intake.bench.ts [--seconds 20] [--rates 50,200,500]
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLoop } from './lib/open-loop';
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

async function main(): Promise<void> {
  console.log('preparing databases');
  await prepareTpcb();
  const url = await freshDatabase('cgi_bench_intake');
  const password = await createUser(url, 'bench-operator', 'CGI_OPERATOR', null);
  const api = await startApi(PORT, url, { RATE_LIMIT_USER_PER_MINUTE: '100000000' });
  try {
    const token = await login(PORT, 'bench-operator', password);
    await saturation(token, 3); // warm-up
    const pg: number[] = [];
    const apiRounds: number[] = [];
    for (let round = 0; round < 2; round++) {
      pg.push(await tpcb(SECONDS));
      console.log(`  pgbench TPC-B ${fmt(pg[pg.length - 1], 0)} tps`);
      apiRounds.push(await saturation(token, SECONDS));
      console.log(`  intake ${fmt(apiRounds[apiRounds.length - 1], 0)} req/s`);
    }
    pg.push(await tpcb(SECONDS));
    console.log(`  pgbench TPC-B ${fmt(pg[pg.length - 1], 0)} tps`);
    const ratios = apiRounds.map((r, k) => r / mean([pg[k], pg[k + 1]]));

    const rows: string[] = [];
    for (const rate of RATES) {
      const r = await openLoop(rate, SECONDS, (i) => ({
        url: `http://127.0.0.1:${PORT}/api/v1/occurrences`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: body(100_000 + rate * 1000 + i),
      }), (s) => s === 201);
      rows.push(`| ${rate}/s | ${r.sent} | ${r.errors} | ${fmt(median(r.latencies))} | ${fmt(percentile(r.latencies, 0.99))} | ${fmt(Math.max(...r.latencies))} |`);
      console.log(`  open loop ${rate}/s: p50 ${fmt(median(r.latencies))} ms, p99 ${fmt(percentile(r.latencies, 0.99))} ms, errors ${r.errors}`);
    }

    writeSection('intake', [
      '## Intake',
      '',
      await machineHeader(),
      '',
      `Operator intake (\`POST /api/v1/occurrences\`: validation, one read (parish, rules, levels, reference), routing, one statement writing the occurrence,`,
      `its assignments, escalation deadlines and events, answered with the stored occurrence; ADR 0012), reports that arrive together`,
      `written together (group commit, ADR 0013), one API process, Fastify. ${CONNECTIONS} client connections keep the batch writer full, as a storm's`,
      `operators, sensors and integration clients would.`,
      '',
      `| round | pgbench TPC-B (8 clients) | intake, ${CONNECTIONS} connections, closed loop | ratio |`,
      '|---|---|---|---|',
      ...apiRounds.map((r, k) => `| ${k + 1} | ${fmt(mean([pg[k], pg[k + 1]]), 0)} tps (mean of the rounds around) | ${fmt(r, 0)} req/s | ${fmt(ratios[k], 2)} |`),
      '',
      `Median ratio to the same run's pgbench TPC-B: **${fmt(median(ratios), 2)}** (target ≥ 0.40). pgbench rounds: ${pg.map((p) => fmt(p, 0)).join(', ')} tps.`,
      '',
      `Latency at fixed rates, open loop (each request timed from its scheduled send time), ${SECONDS} s each:`,
      '',
      '| rate | sent | errors | p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|',
      ...rows,
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
