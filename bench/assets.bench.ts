/**
 * Assets benchmark (issue 15), one run, each figure beside a baseline measured in the same run:
 * - importing the registry (342 assets as GeoJSON, through POST /api/v1/assets/import): a dry run,
 *   the first import (all created) and the same file again (all unchanged);
 * - fault reports (POST /api/v1/assets/:id/status FAULT, open loop, each a newer observation) on a
 *   few hundred assets: the first report of each opens its occurrence through the real intake in
 *   the asset's transaction, the others are linked to it; latency p50/p99 from the scheduled send
 *   time, and the count check (occurrences opened = assets reported, reports = sum of counts).
 *   Baseline: operator intake (POST /api/v1/occurrences) at the same rate.
 * Writes the "Assets" section of docs/benchmarks.md.
 *   npm run build && npm run bench:assets [-- --rate 100 --seconds 20 --assets 150]
 */
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { demoAssets } from '../apps/api/src/demo/demo-assets';
import { loadAddresses } from '../apps/api/src/demo/demo-data';
import { openLoop, type OpenLoopResult } from './lib/open-loop';
import { machineHeader, writeSection } from './lib/report';
import { createUser, freshDatabase, login, startApi } from './lib/stack';
import { fmt, percentile } from './lib/stats';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const RATE = Number(arg('rate', '100'));
const SECONDS = Number(arg('seconds', '20'));
const ASSETS = Number(arg('assets', '150'));
const PORT = 3975;
const DB = 'cgi_bench_assets';

const line = (name: string, r: OpenLoopResult): string =>
  `| ${name} | ${r.rate}/s × ${SECONDS} s | ${r.ok}/${r.sent} | ${fmt(percentile(r.latencies, 0.5))} | ${fmt(percentile(r.latencies, 0.99))} | ${fmt(Math.max(...r.latencies))} |`;

async function main(): Promise<void> {
  const url = await freshDatabase(DB);
  const adminPassword = await createUser(url, 'bench-admin', 'ADMIN', null);
  const operatorPassword = await createUser(url, 'bench-operator', 'CGI_OPERATOR', null);
  const api = await startApi(PORT, url, { RATE_LIMIT_USER_PER_MINUTE: '100000000' });
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const adminToken = await login(PORT, 'bench-admin', adminPassword);
    const operatorToken = await login(PORT, 'bench-operator', operatorPassword);
    const base = `http://127.0.0.1:${PORT}/api/v1`;
    const registry = demoAssets(loadAddresses());
    const geojson = JSON.stringify({
      type: 'FeatureCollection',
      features: registry.map((a) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [a.location.lon, a.location.lat] },
        properties: { code: a.code, kind: a.kind, name: a.name, department: a.department, address: a.address, synthetic: true, ...(a.camera ?? {}) },
      })),
    });
    const timedImport = async (query: string): Promise<{ ms: number; body: string }> => {
      const t = performance.now();
      const r = await fetch(`${base}/assets/import${query}`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/geo+json' }, body: geojson });
      const body = await r.text();
      if (!r.ok) throw new Error(`import ${r.status}: ${body}`);
      return { ms: performance.now() - t, body };
    };
    const dry = await timedImport('?dryRun=true');
    const first = await timedImport('');
    const again = await timedImport('');

    const { rows } = await db.query<{ id: string }>(`SELECT id FROM assets WHERE kind IN ('TRAFFIC_LIGHT','BOLLARD','CAMERA') ORDER BY code LIMIT $1`, [ASSETS]);
    const ids = rows.map((r) => r.id);
    const t0 = Date.now() - 3_600_000;
    const auth = { 'content-type': 'application/json' };
    const faults = await openLoop(RATE, SECONDS, (i) => ({
      url: `${base}/assets/${ids[i % ids.length]}/status`,
      method: 'POST',
      headers: { ...auth, authorization: `Bearer ${operatorToken}` },
      // Strictly newer observations (1 ms apart): every one is a report, none ignored.
      body: JSON.stringify({ status: 'FAULT', reason: 'bench', observedAt: new Date(t0 + i).toISOString() }),
    }), (s) => s === 200);
    const intake = await openLoop(RATE, SECONDS, (i) => ({
      url: `${base}/occurrences`,
      method: 'POST',
      headers: { ...auth, authorization: `Bearer ${operatorToken}` },
      body: JSON.stringify({ category: 'ROAD_OBSTRUCTION', location: registry[i % registry.length].location, description: 'bench' }),
    }), (s) => s === 201);

    const [check] = (await db.query<{ opened: string; reports: string; fault_occurrences: string }>(
      `SELECT count(*) AS opened, coalesce(sum(report_count), 0) AS reports,
              (SELECT count(*) FROM occurrences WHERE category IN ('TRAFFIC_LIGHT_FAULT','BOLLARD_FAULT','CAMERA_FAULT')) AS fault_occurrences
         FROM asset_occurrences`,
    )).rows;
    const reported = Math.min(ids.length, faults.sent);
    const md = [
      '## Assets (issue 15)',
      '',
      await machineHeader(),
      `Load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}. Command: \`npm run bench:assets -- --rate ${RATE} --seconds ${SECONDS} --assets ${ASSETS}\`.`,
      '',
      '**Import** of the demo registry (342 assets, GeoJSON, one request each):',
      '',
      '| run | ms | answer |',
      '|---|---|---|',
      `| dry run | ${fmt(dry.ms, 0)} | \`${dry.body}\` |`,
      `| first import | ${fmt(first.ms, 0)} | \`${first.body}\` |`,
      `| same file again | ${fmt(again.ms, 0)} | \`${again.body}\` |`,
      '',
      `**Fault reports** on ${ids.length} assets (each report under the asset's row lock; the first of each opens its occurrence through intake in the same transaction, the rest are linked), against operator intake at the same rate:`,
      '',
      '| load | rate | ok | p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|',
      line('fault reports (POST /assets/:id/status)', faults),
      line('baseline: operator intake (POST /occurrences)', intake),
      '',
      `Counts: ${faults.ok} reports accepted → ${check.opened} fault occurrences opened (${reported} assets reported; ${check.fault_occurrences} fault occurrences in the database), ${check.reports} reports counted on them.`,
    ].join('\n');
    writeSection('assets', md);
    process.stdout.write(`${md}\n`);
  } finally {
    await db.end();
    await api.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
