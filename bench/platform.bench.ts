/**
 * Urban Platform benchmark (issue 15), one run, each figure beside a baseline of the same run:
 * - In: FIWARE Alert entities notified in notifications of 100 (keyValues, application/json +
 *   Link header, as Orion-LD sends them) → occurrences: an open-loop run at --rate entities/s
 *   (default 1,000/s = 10 notifications/s), answers timed from their scheduled send; then the
 *   saturation throughput (closed loop, 4 brokers sending back to back), as a ratio to the
 *   saturation throughput of the operator intake (REST, 64 connections) measured in the same run.
 * - Out: publish lag, from an occurrence's event (its created_at, the event's time) to the
 *   recorder standing in for the broker receiving the upsert that carries it, over every
 *   occurrence the open-loop run created (the publisher at its defaults: NOTIFY wake-up,
 *   PLATFORM_PUBLISH_POLL_MS 500, batches of 200 events).
 * The recorder is an HTTP server in this process (a context broker cannot be installed here).
 * Writes the "Urban Platform" section of docs/benchmarks.md.
 *   npm run build && npm run bench:platform [-- --seconds 20 --rate 1000 --saturation-seconds 15]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { openLoop } from './lib/open-loop';
import { machineHeader, writeSection } from './lib/report';
import { createUser, freshDatabase, login, ROOT, startApi } from './lib/stack';
import { fmt, percentile } from './lib/stats';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('seconds', '20'));
const RATE = Number(arg('rate', '1000'));
const SATURATION_SECONDS = Number(arg('saturation-seconds', '15'));
const PER_NOTIFICATION = 100;
const PORT = 3960;
const ALERT_LINK = '<https://raw.githubusercontent.com/smart-data-models/dataModel.Alert/master/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"';
const KINDS: Array<[string, string]> = [['weather', 'flood'], ['traffic', 'carAccident'], ['traffic', 'trafficJam'], ['environment', 'airPollution'], ['security', 'buildingFire'], ['health', 'heartAttack']];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];

const addresses = readFileSync(join(ROOT, 'data/porto/addresses.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
  const v = l.split(',');
  return { address: `${v[0]} ${v[1]}`, lat: Number(v[3]), lon: Number(v[4]) };
});

let alertSeq = 0;
function notificationBody(): string {
  const data = Array.from({ length: PER_NOTIFICATION }, () => {
    const i = alertSeq++;
    const a = addresses[(i * 7919) % addresses.length];
    const [category, subCategory] = KINDS[i % KINDS.length];
    return {
      id: `urn:ngsi-ld:Alert:bench-${i}`, type: 'Alert', category, subCategory, severity: SEVERITIES[i % SEVERITIES.length],
      location: { type: 'Point', coordinates: [a.lon, a.lat] }, dateIssued: new Date().toISOString(),
      alertSource: `urn:ngsi-ld:Device:bench-sensor-${i % 50}`, description: `Alerta de teste ${i} junto a ${a.address}`,
    };
  });
  return JSON.stringify({ id: `urn:ngsi-ld:Notification:bench-${alertSeq}`, type: 'Notification', subscriptionId: 'urn:ngsi-ld:Subscription:CGI-Porto:alerts', notifiedAt: new Date().toISOString(), data });
}

let opSeq = 0;
function operatorBody(): string {
  const a = addresses[(opSeq++ * 104729) % addresses.length];
  return JSON.stringify({ category: 'ROAD_OBSTRUCTION', location: a, description: `Benchmark occurrence ${opSeq} at ${a.address}` });
}

/** The broker's stand-in: takes every upsert (204) and notes when each entity arrived. */
async function recorder(): Promise<{ url: string; arrivals: Map<string, { receivedAt: number; dateIssued: number }>; upserts: () => number; close: () => Promise<void> }> {
  const arrivals = new Map<string, { receivedAt: number; dateIssued: number }>();
  let upserts = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const receivedAt = Date.now();
      if (req.url === '/ngsi-ld/v1/entityOperations/upsert') {
        upserts++;
        for (const e of JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{ id: string; dateIssued: { value: { '@value': string } } }>) {
          if (!arrivals.has(e.id)) arrivals.set(e.id, { receivedAt, dateIssued: Date.parse(e.dateIssued.value['@value']) });
        }
      }
      res.writeHead(req.url === '/ngsi-ld/v1/entityOperations/upsert' ? 204 : 404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals, upserts: () => upserts,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function count(url: string, sql: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query<{ n: number }>(sql)).rows[0].n);
  } finally {
    await c.end();
  }
}

/** Waits until the publisher's checkpoint is at the head of the event log (at most 2 min). */
async function drained(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    for (let i = 0; i < 1200; i++) {
      const { rows } = await c.query<{ behind: boolean }>(`SELECT EXISTS (SELECT 1 FROM occurrence_events e, event_consumers c
        WHERE c.name = 'platform-publisher' AND (e.tx_id, e.seq) > (c.tx_id, c.seq)) AS behind`);
      if (!rows[0].behind) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await c.end();
  }
}

async function closedLoop(path: string, headers: Record<string, string>, body: () => string, connections: number, seconds: number): Promise<{ perSecond: number; non2xx: number }> {
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}${path}`, method: 'POST', connections, duration: seconds, headers,
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  return { perSecond: result['2xx'] / seconds, non2xx: result.non2xx };
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build-check')) readFileSync(join(ROOT, 'apps/api/dist/platform/platform.module.js'));
  console.log('preparing the database and the broker stand-in');
  const url = await freshDatabase('cgi_bench_platform');
  const broker = await recorder();
  const adminPassword = await createUser(url, 'bench-admin', 'ADMIN', null);
  const operatorPassword = await createUser(url, 'bench-operator', 'CGI_OPERATOR', null);
  const api = await startApi(PORT, url, {
    PLATFORM_BROKER_URL: broker.url, RATE_LIMIT_USER_PER_MINUTE: '100000000', RATE_LIMIT_API_KEY_PER_MINUTE: '100000000',
  });
  try {
    const adminToken = await login(PORT, 'bench-admin', adminPassword);
    const created = await fetch(`http://127.0.0.1:${PORT}/api/v1/admin/api-keys`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ clientName: 'Bench broker', scopes: ['platform:notify'] }),
    });
    const { key } = (await created.json()) as { key: string };
    const operatorToken = await login(PORT, 'bench-operator', operatorPassword);
    const notifyHeaders = { 'content-type': 'application/json', link: ALERT_LINK, 'x-api-key': key };

    console.log('warm-up');
    for (let i = 0; i < 5; i++) await fetch(`http://127.0.0.1:${PORT}/ngsi-ld/v1/notify`, { method: 'POST', headers: notifyHeaders, body: notificationBody() });

    const before = await count(url, `SELECT count(*) AS n FROM occurrences WHERE source = 'PLATFORM'`);
    const openLoopStart = new Date();
    console.log(`open loop: ${RATE} Alerts/s in notifications of ${PER_NOTIFICATION}, ${SECONDS} s`);
    const rateN = RATE / PER_NOTIFICATION;
    const open = await openLoop(rateN, SECONDS, () => ({ url: `http://127.0.0.1:${PORT}/ngsi-ld/v1/notify`, method: 'POST', headers: notifyHeaders, body: notificationBody() }), (s) => s === 200, 32);
    const stored = (await count(url, `SELECT count(*) AS n FROM occurrences WHERE source = 'PLATFORM'`)) - before;

    console.log('waiting for the publisher to drain');
    const refs = await (async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query<{ reference: string }>(`SELECT reference FROM occurrences WHERE source = 'PLATFORM' AND created_at >= $1`, [openLoopStart]))
          .rows.map((r) => `urn:ngsi-ld:Alert:CGI-Porto:${r.reference}`);
      } finally {
        await c.end();
      }
    })();
    const drainDeadline = Date.now() + 120_000;
    while (refs.some((r) => !broker.arrivals.has(r)) && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 100));
    const lags = refs.flatMap((r) => {
      const a = broker.arrivals.get(r);
      return a ? [a.receivedAt - a.dateIssued] : [];
    });

    await drained(url);
    console.log(`saturation: platform notifications (4 brokers), ${SATURATION_SECONDS} s`);
    const platformSat = await closedLoop('/ngsi-ld/v1/notify', notifyHeaders, notificationBody, 4, SATURATION_SECONDS);
    // The publisher's backlog of the platform phase must not run into the operator phase (both pay for publishing their own).
    await drained(url);
    console.log(`saturation: operator intake (64 connections), ${SATURATION_SECONDS} s`);
    const operatorSat = await closedLoop('/api/v1/occurrences', { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` }, operatorBody, 64, SATURATION_SECONDS);
    const platformEntities = platformSat.perSecond * PER_NOTIFICATION;

    const p = (xs: number[], q: number): string => (xs.length ? fmt(percentile(xs, q), 0) : '–');
    const report = [
      '## Urban Platform (NGSI-LD in and out, issue 15)',
      '',
      await machineHeader(),
      '',
      '`npm run build && npm run bench:platform` (bench/platform.bench.ts). The broker is a recorder HTTP server in the',
      'benchmark process (a context broker cannot be installed here); the API is the built one, at its defaults.',
      '',
      `**In — open loop, ${RATE} Alert entities/s** in notifications of ${PER_NOTIFICATION} (keyValues, application/json + Link, Smart Data Models context), ${SECONDS} s:`,
      '',
      '| notifications sent | answered 200 | not 200 | occurrences stored | answer p50 (ms) | p99 (ms) | max (ms) |',
      '|---:|---:|---:|---:|---:|---:|---:|',
      `| ${open.sent} | ${open.ok} | ${open.errors} | ${stored} of ${open.sent * PER_NOTIFICATION} | ${p(open.latencies, 0.5)} | ${p(open.latencies, 0.99)} | ${p(open.latencies, 1)} |`,
      '',
      '**In — saturation, as a ratio to the operator intake of the same run** (closed loop):',
      '',
      '| | per second | non-2xx |',
      '|---|---:|---:|',
      `| Alert entities through POST /ngsi-ld/v1/notify (4 brokers, 100 per notification) | ${fmt(platformEntities, 0)} | ${platformSat.non2xx} |`,
      `| operator intakes through POST /api/v1/occurrences (64 connections) | ${fmt(operatorSat.perSecond, 0)} | ${operatorSat.non2xx} |`,
      `| **ratio platform / operator** | **${fmt(platformEntities / operatorSat.perSecond, 2)}** | |`,
      '',
      `**Out — publish lag** (occurrence event → the upsert carrying its Alert received by the broker stand-in), over the ${refs.length} occurrences of the open-loop run, while they were being created:`,
      '',
      '| Alerts received | p50 (ms) | p99 (ms) | max (ms) | upsert requests |',
      '|---:|---:|---:|---:|---:|',
      `| ${lags.length} of ${refs.length} | ${p(lags, 0.5)} | ${p(lags, 0.99)} | ${p(lags, 1)} | ${broker.upserts()} |`,
    ].join('\n');
    console.log(report);
    writeSection('platform', report);
  } finally {
    await api.stop();
    await broker.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
