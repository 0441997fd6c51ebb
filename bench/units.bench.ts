/**
 * Units benchmark (issue 14), one run, each figure beside a baseline measured in the same run:
 * - 1,000 units publishing a fix every 5 s over MQTT (200 positions/s, QoS 1, the AVL gateway's
 *   user) to the project's Mosquitto, consumed by the API (shared subscription), written in
 *   batches and fanned out to consoles: position → console latency, timed from each fix's
 *   SCHEDULED publish time (open loop) to its arrival on a real socket.io client on
 *   'units:positions' (a videowall, and a FIRE agent who gets only FIRE's units), with intake at
 *   200/s and without. Baseline: the same fixes as a plain MQTT subscriber of the broker gets them.
 * - CPU per 1,000 positions of the API process and of PostgreSQL's backends serving it (from
 *   /proc), by difference with phases without positions; baseline: CPU per 1,000 intakes.
 * - The nearest-unit query (GET /api/v1/occurrences/:id/unit-proposals) with 1,000 units, open loop,
 *   while the positions flow; baseline: the same KNN question asked of PostgreSQL directly.
 * - pgbench TPC-B (one round), the machine's baseline of the day.
 * Writes the "Units" section of docs/benchmarks.md; the videowall with the units moving is
 * bench/console-render.ts.
 *   npm run build && npm run bench:units [-- --seconds 30 --units 1000 --intake-rate 200 --proposal-rate 50]
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { Client, Pool } from 'pg';
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, UNIT_POSITION_TOPIC, type LiveClientEvents, type LiveServerEvents } from '@cgi/shared';
import { brokerSettings, projectBroker, redisSettings, type Broker } from './lib/broker';
import { openLoop, type OpenLoopResult } from './lib/open-loop';
import { prepareTpcb, tpcb } from './lib/pgbench';
import { CpuMeter, machineCpu, pidsMatching } from './lib/proc';
import { machineHeader, writeSection } from './lib/report';
import { createUser, freshDatabase, login, ROOT, startApi } from './lib/stack';
import { addresses, drive, fixOf, seedUnits, type BenchUnit } from './lib/units';
import { fmt, percentile } from './lib/stats';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('seconds', '30'));
const UNITS = Number(arg('units', '1000'));
const FIX_INTERVAL_S = 5;
const INTAKE_RATE = Number(arg('intake-rate', '200'));
const PROPOSAL_RATE = Number(arg('proposal-rate', '50'));
const PROPOSAL_SECONDS = Number(arg('proposal-seconds', '20'));
const IDLE_SECONDS = 10;
const DRAIN_MS = 3000;
const PORT = 3970;
const DB = 'cgi_bench_units';
const NOTE = arg('note', '');

type FeedSocket = Socket<LiveServerEvents, LiveClientEvents>;

const CATEGORIES = ['FALLEN_TREE', 'TRAFFIC_LIGHT_FAULT', 'ROAD_OBSTRUCTION', 'NOISE', 'WASTE_OVERFLOW', 'FLOODING', 'TRAFFIC_ACCIDENT', 'FIRE_BUILDING'];

/** Scheduled send times of fixes by `unitId|epoch ms`, and what arrived where. */
class Probe {
  readonly due = new Map<string, number>();
  readonly buckets = new Map<string, number[]>();
  phase = '';
  record(where: string, key: string): void {
    const at = this.due.get(key);
    if (at === undefined) return;
    const name = `${this.phase}:${where}`;
    const b = this.buckets.get(name) ?? [];
    b.push(performance.now() - at);
    this.buckets.set(name, b);
  }
  get(phase: string, where: string): number[] {
    return this.buckets.get(`${phase}:${where}`) ?? [];
  }
}

/**
 * The AVL gateway: every unit publishes every 5 s, the units' fixes evenly spread (one every
 * 5 ms at 1,000 units), each on its own schedule, timed from it. Units drive ~40 km/h on a
 * wandering heading inside Porto.
 */
class Gateway {
  sent = 0;
  sentFire = 0;
  errors = 0;
  private k = 0;
  constructor(private readonly client: MqttClient, private readonly units: BenchUnit[], private readonly probe: Probe) {}

  async run(seconds: number): Promise<{ sent: number; fire: number; errors: number }> {
    const sent0 = this.sent;
    const fire0 = this.sentFire;
    const err0 = this.errors;
    const rate = this.units.length / FIX_INTERVAL_S;
    const perf0 = performance.now() + 20;
    const wall0 = Date.now() + 20;
    const total = Math.round(rate * seconds);
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < total; i++) {
      const due = perf0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const u = this.units[this.k++ % this.units.length];
      drive(u, 56, this.k); // 5 s at 40 km/h
      const atMs = Math.round(wall0 + (due - perf0));
      this.probe.due.set(`${u.id}|${atMs}`, due);
      const payload = JSON.stringify(fixOf(u, atMs));
      this.sent++;
      if (u.department === 'FIRE') this.sentFire++;
      pending.push(this.client.publishAsync(UNIT_POSITION_TOPIC(u.code), payload, { qos: 1 }).then(() => undefined, () => void this.errors++));
    }
    await Promise.all(pending);
    return { sent: this.sent - sent0, fire: this.sentFire - fire0, errors: this.errors - err0 };
  }

}

interface Cpu {
  api: number;
  pg: number;
  broker: number;
  bench: number;
  machineBusy: number;
  machineTotal: number;
}

interface PhaseResult {
  name: string;
  seconds: number;
  positions: { sent: number; fire: number; errors: number } | null;
  intake: OpenLoopResult | null;
  cpu: Cpu;
}

/** Non-201 answers of an open loop by status ("503 ×12"; 0: no answer). */
function statuses(r: OpenLoopResult): string {
  const n = new Map<number, number>();
  for (const x of r.samples) if (x && x.status !== 201) n.set(x.status, (n.get(x.status) ?? 0) + 1);
  return n.size === 0 ? 'all 201' : [...n].map(([st, k]) => `${st} ×${k}`).join(', ');
}
const p = (xs: number[], q: number): string => (xs.length ? fmt(percentile(xs, q)) : '–');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `cgi_unit_positions_*_total` from the API's /metrics, summed over labels. */
async function positionCounters(): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${PORT}/metrics`)).text();
  const out: Record<string, number> = { accepted: 0, ignored: 0, dropped: 0 };
  for (const m of text.matchAll(/^cgi_unit_positions_(accepted|ignored|dropped)_total(?:\{[^}]*\})? ([\d.e+]+)$/gm)) out[m[1]] += Number(m[2]);
  return out;
}

/**
 * The proposals' nearest-unit statement alone, as the API runs it (the occurrence's active
 * departments already known): the 3 nearest available units by KNN `<->` on
 * `coalesce(position, home_base)`, with their straight-line distance.
 */
const KNN_SQL = `
  SELECT u.id, u.code, ST_Distance(coalesce(u.position, u.home_base), t.location, false) AS distance_m
    FROM (SELECT location FROM occurrences WHERE id = $1) t
    CROSS JOIN units u
   WHERE u.status = 'AVAILABLE' AND u.retired_at IS NULL AND u.department = ANY($2::text[])
   ORDER BY coalesce(u.position, u.home_base) <-> t.location, u.code
   LIMIT 3`;

async function sqlOpenLoop(pool: Pool, rate: number, seconds: number, occurrences: Array<{ id: string; departments: string[] }>): Promise<{ latencies: number[]; errors: number }> {
  const total = Math.round(rate * seconds);
  const t0 = performance.now() + 20;
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const o = occurrences[i % occurrences.length];
    inFlight.push(pool.query(KNN_SQL, [o.id, o.departments]).then((r) => {
      if (r.rows.length === 0) errors++;
      latencies.push(performance.now() - due);
    }, () => void errors++));
  }
  await Promise.all(inFlight);
  return { latencies, errors };
}

interface Setting { name: string; setting: string; unit: string | null; boot_val: string; source: string }
const REPORTED = ['jit', 'jit_above_cost', 'plan_cache_mode', 'random_page_cost', 'effective_cache_size', 'work_mem', 'shared_buffers', 'synchronous_commit', 'max_connections', 'autovacuum'];

async function main(): Promise<void> {
  const startLoad = loadavg()[0];
  console.log('baseline: pgbench TPC-B');
  await prepareTpcb();
  const tps = await tpcb(15);
  console.log(`  ${fmt(tps, 0)} tps`);

  const broker: Broker = await projectBroker();
  const url = await freshDatabase(DB);
  const units = await seedUnits(url, UNITS);
  const operatorPassword = await createUser(url, 'bench-operator', 'CGI_OPERATOR', null);
  const viewerPassword = await createUser(url, 'bench-videowall', 'VIEWER', null);
  const firePassword = await createUser(url, 'bench-fire', 'DEPARTMENT_AGENT', 'FIRE');
  const apiEnv = {
    RATE_LIMIT_USER_PER_MINUTE: '100000000',
    MQTT_URL: broker.url,
    MQTT_USERNAME: broker.api.username,
    MQTT_PASSWORD: broker.api.password,
  };
  const api = await startApi(PORT, url, apiEnv);
  // The API's own session settings (ADR 0015: JIT off, custom plans), so the statement alone is compared like for like.
  const pool = new Pool({ connectionString: url, max: 8, application_name: 'bench', options: '-c jit=off -c plan_cache_mode=force_custom_plan' });
  const monitor = new Client({ connectionString: url, application_name: 'bench-monitor' });
  await monitor.connect();
  let pgPids: number[] = [];
  const refreshPgPids = async (): Promise<void> => {
    const { rows } = await monitor.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name NOT LIKE 'bench%' AND pid <> pg_backend_pid()`, [DB]);
    pgPids = rows.map((r) => r.pid);
  };
  const apiCpu = new CpuMeter(() => (api.child.pid ? [api.child.pid] : []));
  const pgCpu = new CpuMeter(() => pgPids);
  const brokerPids = pidsMatching((cmd) => /(^|\/)mosquitto\s/.test(cmd) && cmd.includes(broker.dir));
  const brokerCpu = new CpuMeter(() => brokerPids);
  const readCpu = async (): Promise<Cpu> => {
    await refreshPgPids();
    const m = machineCpu();
    const b = process.cpuUsage();
    return { api: apiCpu.read(), pg: pgCpu.read(), broker: brokerCpu.read(), bench: (b.user + b.system) / 1000, machineBusy: m.busy, machineTotal: m.total };
  };

  const sockets: FeedSocket[] = [];
  let baseline: MqttClient | null = null;
  let gatewayClient: MqttClient | null = null;
  try {
    const operator = await login(PORT, 'bench-operator', operatorPassword);
    const probe = new Probe();
    const ids = new Set(units.map((u) => u.id));
    const idByCode = new Map(units.map((u) => [u.code, u.id]));
    for (const [who, password] of [['bench-videowall', viewerPassword], ['bench-fire', firePassword]] as const) {
      const token = await login(PORT, who, password);
      const s: FeedSocket = io(`http://127.0.0.1:${PORT}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], forceNew: true });
      const where = who === 'bench-fire' ? 'fire' : 'viewer';
      s.on('units:positions', (batch) => {
        for (const pos of batch.positions) if (ids.has(pos.unitId)) probe.record(where, `${pos.unitId}|${Date.parse(pos.at)}`);
      });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      sockets.push(s);
    }
    // The broker alone: a plain subscriber (the API's user, which may read the positions) gets every fix.
    baseline = await connectAsync(broker.url, { username: broker.api.username, password: broker.api.password, clientId: `bench-baseline-${process.pid}`, clean: true });
    await baseline.subscribeAsync('cgi/units/+/position', { qos: 1 });
    baseline.on('message', (topic, payload) => {
      const code = topic.split('/')[2];
      try {
        const at = (JSON.parse(payload.toString()) as { at: string }).at;
        probe.record('broker', `${idByCode.get(code)}|${Date.parse(at)}`);
      } catch {
        // not ours
      }
    });
    gatewayClient = await connectAsync(broker.url, { username: broker.gateway.username, password: broker.gateway.password, clientId: `bench-gateway-${process.pid}`, clean: true });
    const gateway = new Gateway(gatewayClient, units, probe);

    let intakeN = 0;
    const intake = (): { url: string; method: 'POST'; headers: Record<string, string>; body: string } => {
      const i = intakeN++;
      const a = addresses[i % addresses.length];
      return {
        url: `http://127.0.0.1:${PORT}/api/v1/occurrences`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
        body: JSON.stringify({ category: CATEGORIES[i % CATEGORIES.length], location: a, description: `Units benchmark occurrence ${i} at ${a.address}` }),
      };
    };

    const phase = async (name: string, seconds: number, withPositions: boolean, withIntake: boolean): Promise<PhaseResult> => {
      probe.phase = name;
      const c0 = await readCpu();
      const t0 = performance.now();
      const [positions, load] = await Promise.all([
        withPositions ? gateway.run(seconds) : null,
        withIntake ? openLoop(INTAKE_RATE, seconds, intake, (st) => st === 201) : null,
        !withPositions && !withIntake ? sleep(seconds * 1000) : null,
      ]);
      const elapsed = (performance.now() - t0) / 1000;
      const c1 = await readCpu();
      await sleep(DRAIN_MS);
      const cpu: Cpu = {
        api: c1.api - c0.api, pg: c1.pg - c0.pg, broker: c1.broker - c0.broker, bench: c1.bench - c0.bench,
        machineBusy: c1.machineBusy - c0.machineBusy, machineTotal: c1.machineTotal - c0.machineTotal,
      };
      const l = probe.get(name, 'viewer');
      console.log(`  ${name}: ${elapsed.toFixed(1)} s; API ${fmt(cpu.api / elapsed, 0)} ms/s, PostgreSQL ${fmt(cpu.pg / elapsed, 0)} ms/s` +
        (positions ? `; ${positions.sent} positions, videowall got ${l.length}, p50 ${p(l, 0.5)} p99 ${p(l, 0.99)} ms; broker p99 ${p(probe.get(name, 'broker'), 0.99)} ms` : '') +
        (load ? `; intake p99 ${p(load.latencies, 0.99)} ms, ${statuses(load)}` : ''));
      return { name, seconds: elapsed, positions, intake: load, cpu };
    };

    const counters0 = await positionCounters().catch(() => ({ accepted: Number.NaN, ignored: Number.NaN, dropped: Number.NaN }));
    // Warm-up: the consumer, the writer and the sockets' first fixes (not reported).
    await phase('warm-up', 5, true, true);
    const idle = await phase('idle', IDLE_SECONDS, false, false);
    const intakeOnly = await phase('intake only', SECONDS, false, true);
    const positionsOnly = await phase('positions only', SECONDS, true, false);
    const both = await phase('positions + intake', SECONDS, true, true);
    const counters1 = await positionCounters().catch(() => ({ accepted: Number.NaN, ignored: Number.NaN, dropped: Number.NaN }));

    // Nearest units, with the positions flowing: the API, then PostgreSQL alone.
    const { rows: occ } = await pool.query<{ id: string; departments: string[] }>(
      `SELECT o.id, array_agg(a.department) AS departments FROM occurrences o JOIN occurrence_assignments a ON a.occurrence_id = o.id AND a.state <> 'RELEASED'
        WHERE o.status NOT IN ('RESOLVED','CLOSED','CANCELLED','MERGED') GROUP BY o.id, o.created_at ORDER BY o.created_at DESC LIMIT 500`);
    const occIds = occ.map((r) => r.id);
    probe.phase = 'proposals';
    const proposalsRun = gateway.run(2 * PROPOSAL_SECONDS + 4);
    await sleep(1000);
    const viaApi = await openLoop(PROPOSAL_RATE, PROPOSAL_SECONDS, (i) => ({
      url: `http://127.0.0.1:${PORT}/api/v1/occurrences/${occIds[i % occIds.length]}/unit-proposals`,
      method: 'GET',
      headers: { authorization: `Bearer ${operator}` },
    }), (st) => st === 200);
    await sleep(1000);
    const viaSql = await sqlOpenLoop(pool, PROPOSAL_RATE, PROPOSAL_SECONDS, occ);
    await proposalsRun;
    console.log(`  proposals: API p50 ${p(viaApi.latencies, 0.5)} p99 ${p(viaApi.latencies, 0.99)} ms (${viaApi.errors} errors); SQL p50 ${p(viaSql.latencies, 0.5)} p99 ${p(viaSql.latencies, 0.99)} ms`);
    const endLoad = loadavg()[0];

    // ---------------------------------------------------------------- report
    const { rows: settings } = await monitor.query<Setting>(
      `SELECT name, setting, unit, boot_val, source FROM pg_settings WHERE name = ANY($1) ORDER BY array_position($1, name)`, [REPORTED]);
    const redis = await redisSettings();
    const mosq = await brokerSettings(broker);
    const { Env } = (await import(join(ROOT, 'apps/api/dist/config/env.js'))) as { Env: new () => Record<string, unknown> };
    const env = new Env();
    const envShown = Object.keys(env).filter((k) => /^(LIVE_|UNIT_|AVL_|POSITION|DATABASE_POOL_SIZE|INTAKE_MAX_)/.test(k) || (/^MQTT_/.test(k) && !/URL|USERNAME|PASSWORD/.test(k))).map((k) => `\`${k}\`=${String(env[k])}`);

    const perSecond = (ms: number, s: number): string => fmt(ms / s, 0);
    const cpuRow = (r: PhaseResult): string => {
      const s = r.seconds;
      const machine = r.cpu.machineTotal > 0 ? (r.cpu.machineBusy / r.cpu.machineTotal) * 100 : Number.NaN;
      const ours = r.cpu.api + r.cpu.pg + r.cpu.broker + r.cpu.bench;
      const others = r.cpu.machineBusy - ours;
      return `| ${r.name} | ${fmt(s, 0)} s | ${r.positions ? `${r.positions.sent}` : '–'} | ${r.intake ? `${r.intake.ok}` : '–'} | ${perSecond(r.cpu.api, s)} | ${perSecond(r.cpu.pg, s)} | ${perSecond(r.cpu.broker, s)} | ${perSecond(r.cpu.bench, s)} | ${fmt(machine, 0)} % | ${perSecond(others, s)} |`;
    };
    const scale = (base: PhaseResult, key: keyof Cpu, s: number): number => (base.cpu[key] / base.seconds) * s;
    const per1000 = (r: PhaseResult, base: PhaseResult, key: 'api' | 'pg' | 'broker'): number =>
      r.positions && r.positions.sent > 0 ? ((r.cpu[key] - scale(base, key, r.seconds)) / r.positions.sent) * 1000 : Number.NaN;
    const intakePer1000 = (key: 'api' | 'pg'): number =>
      intakeOnly.intake && intakeOnly.intake.ok > 0 ? ((intakeOnly.cpu[key] - scale(idle, key, intakeOnly.seconds)) / intakeOnly.intake.ok) * 1000 : Number.NaN;

    const latencyRow = (r: PhaseResult): string => {
      const v = probe.get(r.name, 'viewer');
      const f = probe.get(r.name, 'fire');
      const b = probe.get(r.name, 'broker');
      const sent = r.positions?.sent ?? 0;
      const i = r.intake;
      return `| ${r.name} | ${sent} (${r.positions?.errors ?? 0} not acknowledged) | ${v.length}/${sent} · ${f.length}/${r.positions?.fire ?? 0} | ${p(v, 0.5)} / ${p(v, 0.99)} / ${v.length ? fmt(Math.max(...v)) : '–'} | ${p(f, 0.5)} / ${p(f, 0.99)} | ${p(b, 0.5)} / ${p(b, 0.99)} | ${i ? `${p(i.latencies, 0.5)} / ${p(i.latencies, 0.99)} (${i.sent} sent, ${statuses(i)})` : '–'} |`;
    };
    const worstP99 = Math.max(percentile(probe.get(positionsOnly.name, 'viewer'), 0.99), percentile(probe.get(both.name, 'viewer'), 0.99));
    const proposalsP99 = percentile(viaApi.latencies, 0.99);
    const c = (n: number): string => (Number.isFinite(n) ? fmt(n, 0) : '–');

    writeSection('units', [
      '## Units: positions, live feed, nearest unit',
      '',
      await machineHeader(),
      `**The machine was shared**: other engineers' builds and tests ran on the same 2 cores during this run (load average ${fmt(startLoad, 1)} at the start, ${fmt(endLoad, 1)} at the end; the "others" column below is the CPU they used during each phase).`,
      ...(NOTE ? ['', NOTE] : []),
      '',
      `Same-run baseline of the day: pgbench TPC-B (scale 10, 8 clients, 15 s) **${fmt(tps, 0)} tps**.`,
      '',
      `${UNITS.toLocaleString('en')} synthetic units (five departments, bases at Porto's address points, all AVAILABLE) publish a fix every ${FIX_INTERVAL_S} s over MQTT`,
      `(${UNITS / FIX_INTERVAL_S} positions/s, QoS 1, one gateway connection with the \`cgi-avl-gateway\` user, topic \`cgi/units/<code>/position\`) to the project's Mosquitto;`,
      'one API process (Fastify, as docs/operations.md runs it) consumes them through its shared subscription, stores them and sends them to the consoles.',
      'Latency is timed from each fix\'s **scheduled** publish time (open loop) to its arrival on real socket.io clients on `units:positions`: a videowall',
      '(VIEWER, every unit) and a FIRE agent (its department room: FIRE\'s units only). Baseline, same fixes at the same moment: a plain MQTT subscriber',
      `of the broker. Intake (\`POST /api/v1/occurrences\`, open loop) at ${INTAKE_RATE}/s. ${SECONDS} s per phase after a 5 s warm-up; all clients in the bench process.`,
      '',
      '| phase | positions sent | delivered videowall · FIRE agent | videowall p50 / p99 / max ms | FIRE agent p50 / p99 ms | broker only p50 / p99 ms | intake p50 / p99 ms |',
      '|---|---|---|---|---|---|---|',
      latencyRow(positionsOnly),
      latencyRow(both),
      '',
      `Target: position → console p99 ≤ 250 ms with intake at 200/s: **${fmt(worstP99)} ms** (worst of the two phases) — ${worstP99 <= 250 ? 'met' : '**not met**'}.`,
      `The API's counters over the four phases: accepted ${c(counters1.accepted - counters0.accepted)}, ignored ${c(counters1.ignored - counters0.ignored)}, dropped ${c(counters1.dropped - counters0.dropped)}.`,
      '',
      'CPU from `/proc` (user + system) over each phase, in CPU ms per second: the API process; PostgreSQL\'s backends serving the benchmark database',
      '(the API\'s connections, its live and outbox relays; not the bench\'s own); the project\'s Mosquitto; the bench process (load generator,',
      'sockets, baseline subscriber); and the whole machine (of 2 cores = 2,000 ms/s) with "others": what is left, other users of the machine.',
      '',
      '| phase | length | positions | intakes (201) | API | PostgreSQL | Mosquitto | bench | machine busy | others |',
      '|---|---|---|---|---|---|---|---|---|---|',
      cpuRow(idle),
      cpuRow(intakeOnly),
      cpuRow(positionsOnly),
      cpuRow(both),
      '',
      '| CPU per 1,000 positions (by difference with the phase without them) | API | PostgreSQL | Mosquitto |',
      '|---|---|---|---|',
      `| positions only − idle | ${c(per1000(positionsOnly, idle, 'api'))} ms | ${c(per1000(positionsOnly, idle, 'pg'))} ms | ${c(per1000(positionsOnly, idle, 'broker'))} ms |`,
      `| positions + intake − intake only | ${c(per1000(both, intakeOnly, 'api'))} ms | ${c(per1000(both, intakeOnly, 'pg'))} ms | ${c(per1000(both, intakeOnly, 'broker'))} ms |`,
      `| baseline: per 1,000 intakes (intake only − idle) | ${c(intakePer1000('api'))} ms | ${c(intakePer1000('pg'))} ms | – |`,
      '',
      `A position costs the API ${fmt((per1000(positionsOnly, idle, 'api') / intakePer1000('api')) * 100, 0)} % of an intake (positions only) and PostgreSQL ${fmt((per1000(positionsOnly, idle, 'pg') / intakePer1000('pg')) * 100, 0)} %. The escalation worker takes no part in positions (not running).`,
      '',
      `Nearest units (\`GET /api/v1/occurrences/:id/unit-proposals\`, default limit 3) over ${occIds.length} open occurrences, ${UNITS.toLocaleString('en')} units, open loop`,
      `${PROPOSAL_RATE}/s for ${PROPOSAL_SECONDS} s each while the ${UNITS / FIX_INTERVAL_S} positions/s flow. Baseline: the API's nearest-unit statement alone, sent to PostgreSQL directly`,
      '(KNN `<->` on `coalesce(position, home_base)` over the available units of the occurrence\'s active departments, known beforehand; 8 connections with the API\'s',
      'session settings). Before it the API checks that the occurrence is visible to the operator and reads its point, its departments and the rule set (for the ETAs):',
      '',
      '| query | requests | errors | p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|',
      `| API: GET unit-proposals | ${viaApi.sent} | ${viaApi.errors} | ${p(viaApi.latencies, 0.5)} | ${p(viaApi.latencies, 0.99)} | ${viaApi.latencies.length ? fmt(Math.max(...viaApi.latencies)) : '–'} |`,
      `| baseline: the KNN statement alone | ${viaSql.latencies.length} | ${viaSql.errors} | ${p(viaSql.latencies, 0.5)} | ${p(viaSql.latencies, 0.99)} | ${viaSql.latencies.length ? fmt(Math.max(...viaSql.latencies)) : '–'} |`,
      '',
      `Target p99 ≤ 20 ms with 1,000 units: **${fmt(proposalsP99)} ms** — ${proposalsP99 <= 20 ? 'met' : '**not met**'} (${fmt(proposalsP99 / percentile(viaSql.latencies, 0.99), 1)} × the statement alone).`,
      '',
      'Services as installed (nothing tuned by hand). PostgreSQL, as a new connection sees it (the API\'s connections set their own session settings, ADR 0015):',
      '',
      '| setting | value | built-in default | source |',
      '|---|---|---|---|',
      ...settings.map((st) => `| \`${st.name}\` | ${st.unit ? `${st.setting} × ${st.unit}` : st.setting} | ${st.unit ? `${st.boot_val} × ${st.unit}` : st.boot_val} | ${st.source} |`),
      '',
      `Redis: ${redis.map((r) => `\`${r}\``).join(', ')}. Mosquitto ${mosq.version} (Debian), the project's instance (infra/mosquitto.sh):`,
      mosq.settings.length ? mosq.settings.map((l) => `\`${l}\``).join(', ') + '.' : '(no configuration file found).',
      envShown.length ? `API settings (defaults, docs/operations.md): ${envShown.join(', ')}.` : '',
      '',
      'Reproduce: `npm run build && npm run bench:units` (part of `npm run bench`); the videowall with 1,000 moving units is in "Console rendering" (`npm run bench:console`).',
    ].join('\n'));
    console.log('docs/benchmarks.md: Units');
  } finally {
    sockets.forEach((s) => s.disconnect());
    await baseline?.endAsync().catch(() => undefined);
    await gatewayClient?.endAsync().catch(() => undefined);
    await pool.end();
    await monitor.end();
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
