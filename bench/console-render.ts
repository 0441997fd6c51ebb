/// <reference lib="dom" />
/**
 * npm run bench:console — the videowall with 10,000 open occurrences in Debian's Chromium:
 * time to the first full render, frame times while 100 updates/s arrive, JS heap.
 * The 10,000 occurrences are synthetic, injected into the console's store in the page (as a REST
 * snapshot would be), spread over Porto; updates are live events (new version, priority or
 * escalation changes), as the Socket.IO feed delivers them. Then the same at 1080p with 1,000 units
 * of the fleet moving (issue 14): units stored in the database before the page loads (the console reads
 * them over REST), each sending a fix every 5 s (200/s) in HTTP batches through the real AVL endpoint
 * while the updates run, so the markers move through the live feed (`units:positions`).
 * Each screen `--runs N` times (default 3), medians reported. Writes "Console rendering" in docs/benchmarks.md.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import type { Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../test/e2e/support/browser';
import { PASSWORD, startStack } from '../test/e2e/support/stack';
import { writeSection } from './lib/report';
import { drive, fixOf, seedUnits, type BenchUnit } from './lib/units';

const N = 10_000;
const RATE = 100;
const SECONDS = 10;
const UNITS = 1000;
/** `--only units`: just the 1080p run with the moving units, printed (docs/benchmarks.md is written by the full run only). */
/** `--profile`: a CPU profile of the page during each run, its top functions by self time printed. */
const PROFILE = process.argv.includes('--profile');
const ONLY_UNITS = process.argv.includes('--only') && process.argv[process.argv.indexOf('--only') + 1] === 'units';
/** `--only 1080p`: just the 1080p run without units, printed (for profiling the base videowall). */
const ONLY_BASE = process.argv.includes('--only') && process.argv[process.argv.indexOf('--only') + 1] === '1080p';
const FIX_INTERVAL_S = 5;
/** The city's assets on the videowall's layers (issue 15): as many as the CGI has, 1 in 20 not OK. */
const ASSET_COUNTS = { CAMERA: 118, TRAFFIC_LIGHT: 154, BOLLARD: 40, FLOOD_SENSOR: 10, AIR_QUALITY_SENSOR: 10, NOISE_SENSOR: 10 } as const;
const ASSETS = Object.values(ASSET_COUNTS).reduce((a, b) => a + b, 0);

/** The assets as a GeoJSON import (deterministic, spread over Porto like the occurrences). */
function benchAssets(): { type: 'FeatureCollection'; features: unknown[] } {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const features = Object.entries(ASSET_COUNTS).flatMap(([kind, n]) =>
    Array.from({ length: n }, (_, i) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [-8.685 + rnd() * 0.125, 41.142 + rnd() * 0.04] },
      properties: {
        code: `BENCH-${kind.replace(/_/g, '-')}-${String(i).padStart(3, '0')}`,
        kind,
        name: `${kind} ${i}`,
        department: kind.endsWith('SENSOR') ? 'ENVIRONMENT' : 'MOBILITY',
        synthetic: true,
        ...(kind === 'CAMERA' ? { snapshotUrl: `https://cameras.example.org/bench-${i}.jpg` } : {}),
      },
    })),
  );
  return { type: 'FeatureCollection', features };
}
/** `--runs N`: each screen N times, a fresh page each (frame times vary with what else the machine does): the medians are reported. */
const DEFAULT_RUNS = 3;
const RUNS = process.argv.includes('--runs') ? Math.max(1, Number(process.argv[process.argv.indexOf('--runs') + 1]) || DEFAULT_RUNS) : DEFAULT_RUNS;

/** The AVL integration: every unit's fix every 5 s, sent as batches every 100 ms (200/s for 1,000 units). */
function startFleet(baseUrl: string, key: string, units: BenchUnit[]): { stop: () => Promise<{ sent: number; accepted: number; failed: number }> } {
  const perBatch = Math.round(units.length / FIX_INTERVAL_S / 10);
  let k = 0;
  let sent = 0;
  let accepted = 0;
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const now = Date.now();
    const positions = Array.from({ length: perBatch }, () => {
      const u = units[k++ % units.length];
      drive(u, 56, k);
      return { unit: u.code, ...fixOf(u, now) };
    });
    sent += positions.length;
    const req: Promise<void> = fetch(`${baseUrl}/api/v1/units/positions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ positions }),
    }).then(async (r) => {
      const body = (await r.json().catch(() => null)) as { accepted?: number } | null;
      if (r.ok) accepted += body?.accepted ?? 0;
      else failed += positions.length;
    }, () => void (failed += positions.length)).finally(() => inFlight.delete(req));
    inFlight.add(req);
  }, 100);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      return { sent, accepted, failed };
    },
  };
}

interface PageResult {
  firstRenderMs: number;
  frames: number[];
  /** Frames over 50 ms: [start, end] in the page's performance.now() (for --profile). */
  longFrames: Array<[number, number]>;
  applied: number;
  heapBefore: number;
  heapAfter: number;
  draws: number;
  /** Repaints of the units' canvas during the updates, and the units in the console's store. */
  unitPaints: number;
  units: number;
  /** Times the map's size changed during the updates (each one resizes and repaints every canvas). */
  mapResizes: number;
  /** Main-thread tasks over 50 ms from the snapshot on (Long Tasks API): count and the longest. */
  longTasks: number;
  longestTaskMs: number;
}

async function measure(page: Page): Promise<PageResult> {
  return page.evaluate(
    async ({ n, rate, seconds }) => {
      type Store = {
        finishSnapshot: (items: unknown[]) => void;
        beginSnapshot: () => void;
        apply: (e: unknown) => boolean;
        list: () => Array<Record<string, unknown> & { version: number; id: string }>;
      };
      const w = window as unknown as { __cgiLive: { store: Store; units?: { size: number } }; __cgiMap: { layer: { draws: number; settled?: boolean }; units?: { paints: number } | null } };
      const store = w.__cgiLive.store;
      const layer = w.__cgiMap.layer;
      const pri = ['P1', 'P2', 'P3', 'P4'];
      const cats = ['FALLEN_TREE', 'FLOODING', 'TRAFFIC_ACCIDENT', 'WASTE_OVERFLOW', 'NOISE', 'FIRE_BUILDING', 'ROAD_DAMAGE'];
      const now = Date.now();
      let seed = 42;
      const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const items = Array.from({ length: n }, (_, i) => {
        const dueMs = now + (rnd() * 60 - 10) * 60_000;
        return {
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          reference: `OC-BENCH-${i}`,
          category: cats[i % cats.length],
          priority: pri[Math.floor(rnd() * 4)],
          status: 'DISPATCHED',
          source: 'OPERATOR',
          location: { lat: 41.142 + rnd() * 0.04, lon: -8.685 + rnd() * 0.125, address: `Rua ${i}`, parishCode: null, parishName: null },
          flags: { injuries: false, hazardousMaterials: false, blocksTraffic: false, peopleAtRisk: 0 },
          description: 'bench',
          lead: 'CIVIL_PROTECTION',
          assignments: [
            { department: 'CIVIL_PROTECTION', role: 'LEAD', state: 'PENDING', assignedAt: new Date(now - 60_000).toISOString(), acknowledgedAt: null, onSceneAt: null, acknowledgeDueAt: new Date(dueMs).toISOString(), onSceneDueAt: null, resolveDueAt: new Date(dueMs + 3_600_000).toISOString(), escalationLevel: 'L0' },
          ],
          escalationLevel: rnd() < 0.01 ? 'L2' : 'L0',
          reportCount: 1,
          parentId: null,
          version: 1,
          createdAt: new Date(now - 60_000).toISOString(),
          updatedAt: new Date(now - 60_000).toISOString(),
          dispatchedAt: new Date(now - 60_000).toISOString(),
          resolvedAt: null,
          closedAt: null,
        };
      });
      const nextFrame = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));
      const heap = (): number => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
      const heapBefore = heap();
      // Tasks over 50 ms from the snapshot on, the snapshot's own processing included (the frames below start after it).
      const tasks: number[] = [];
      const taskObserver = new PerformanceObserver((l) => l.getEntries().forEach((e) => tasks.push(e.duration)));
      // The generated snapshot is not the console's work: its task ends before the snapshot is handed over.
      await nextFrame();
      taskObserver.observe({ type: 'longtask' });
      // First full render: from the snapshot to the map drawn and the panels painted.
      const t0 = performance.now();
      const drawsBefore = layer.draws;
      store.beginSnapshot();
      store.finishSnapshot(items);
      // The cluster index is built in slices: the map is drawn when a draw shows it.
      // (A build before the sliced index has no `settled`: its first draw shows the snapshot.)
      while (layer.draws === drawsBefore || layer.settled === false) await nextFrame();
      await nextFrame();
      const mapDrawnMs = performance.now() - t0;
      // The panels follow on their once-a-second tick; check they show all of them.
      const shown = (): boolean => document.querySelector('[data-testid=kpi-open] .kpi__value')?.textContent === String(n);
      const deadline = performance.now() + 5000;
      while (!shown() && performance.now() < deadline) await nextFrame();
      const firstRenderMs = shown() ? mapDrawnMs : Number.NaN;
      // 100 updates/s for `seconds`, frame times sampled by requestAnimationFrame.
      const frames: number[] = [];
      const longFrames: Array<[number, number]> = [];
      let last = performance.now();
      let running = true;
      const sample = (t: number): void => {
        frames.push(t - last);
        if (t - last > 50 && frames.length > 1) longFrames.push([last, t]);
        last = t;
        if (running) requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
      let applied = 0;
      let pos = 1;
      const list = store.list();
      const drawsStart = layer.draws;
      const unitPaintsStart = w.__cgiMap.units?.paints ?? 0;
      // The first callback reports the size at observe() time: not a change.
      let mapResizes = -1;
      const resizes = new ResizeObserver(() => void mapResizes++);
      const mapEl = document.querySelector('[data-testid=city-map]');
      if (mapEl) resizes.observe(mapEl);
      await new Promise<void>((resolve) => {
        const started = performance.now();
        const timer = setInterval(() => {
          const due = Math.floor(((performance.now() - started) / 1000) * rate);
          while (applied < due) {
            const o = list[Math.floor(rnd() * list.length)];
            const next = { ...o, version: o.version + 1 + applied, priority: pri[Math.floor(rnd() * 4)], escalationLevel: rnd() < 0.05 ? 'L1' : 'L0', updatedAt: new Date().toISOString() };
            store.apply({ event: { position: `999999.${pos++}`, occurrenceId: o.id, type: 'NOTE_ADDED', actor: 'bench', at: new Date().toISOString(), departments: ['CIVIL_PROTECTION'], payload: {} }, occurrence: next });
            applied++;
          }
          if (performance.now() - started >= seconds * 1000) {
            clearInterval(timer);
            resolve();
          }
        }, 10);
      });
      running = false;
      resizes.disconnect();
      await nextFrame();
      tasks.push(...taskObserver.takeRecords().map((e) => e.duration));
      taskObserver.disconnect();
      return {
        firstRenderMs, frames: frames.slice(1), longFrames, applied, heapBefore, heapAfter: heap(), draws: layer.draws - drawsStart,
        unitPaints: (w.__cgiMap.units?.paints ?? 0) - unitPaintsStart, units: w.__cgiLive.units?.size ?? 0,
        mapResizes: Math.max(0, mapResizes), longTasks: tasks.length, longestTaskMs: Math.max(0, ...tasks),
      };
    },
    { n: N, rate: RATE, seconds: SECONDS },
  );
}

type Cdp = { send: (method: never, params?: never) => Promise<unknown> };
async function taskSeconds(cdp: unknown): Promise<number> {
  const { metrics } = (await (cdp as Cdp).send('Performance.getMetrics' as never)) as { metrics: Array<{ name: string; value: number }> };
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN;
}
async function chromiumCpuSeconds(cdp: unknown): Promise<number> {
  const { processInfo } = (await (cdp as Cdp).send('SystemInfo.getProcessInfo' as never)) as { processInfo: Array<{ cpuTime: number }> };
  return processInfo.reduce((a, p) => a + p.cpuTime, 0);
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}
/** For each long frame, the functions with the most self time in it and the app function nearest the top of their stacks. */
function printLongFrames(profile: CpuProfile, pageT0: number, long: Array<[number, number]>): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (id: number): string => {
    const f = byId.get(id)?.callFrame;
    return f ? `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}` : '?';
  };
  /** The outermost frame of the page's own bundle on the stack (what started the work). */
  const root = (id: number): string => {
    let best = id;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur)?.callFrame.url.includes('/assets/')) best = cur;
    return name(best);
  };
  let t = 0;
  const times = profile.timeDeltas.map((d) => (t += d) / 1000 + pageT0);
  for (const [a, b] of long) {
    const self = new Map<string, number>();
    const roots = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      if (times[i] < a || times[i] > b) return;
      const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      self.set(name(id), (self.get(name(id)) ?? 0) + dt);
      const r = root(id);
      roots.set(r, (roots.get(r) ?? 0) + dt);
    });
    const top = (m: Map<string, number>): string => [...m].sort((x, y) => y[1] - x[1]).slice(0, 6).map(([k, ms]) => `${ms.toFixed(0)} ms ${k}`).join('; ');
    console.log(`  long frame ${(b - a).toFixed(0)} ms at ${(a - pageT0).toFixed(0)} ms: self ${top(self)}\n      from ${top(roots)}`);
  }
}
/** The 15 functions with the most self time in a CPU profile. */
function printProfile(label: string, profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    const key = f ? `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}` : '?';
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`profile ${label}: ${total.toFixed(0)} ms sampled`);
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const mb = (b: number): string => (b / 2 ** 20).toFixed(0);
const fmtRate = (n: number, s: number): string => (n / s).toFixed(0);

/** One run of one screen: what its row shows. */
interface RunStats {
  firstRenderMs: number;
  applied: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  fps: number;
  long: number;
  heapBefore: number;
  heapAfter: number;
  busyPct: number;
  cpuCores: number;
  longTasks: number;
  longestTaskMs: number;
  mapResizes: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

void (async () => {
  const stack = await startStack();
  // The assets, stored before any page loads (the console reads them over REST); 1 in 20 then reported not OK.
  await stack.api('admin', 'POST', '/assets/import', benchAssets());
  const assets = (await stack.api<{ items: Array<{ id: string }> }>('admin', 'GET', '/assets')).items;
  for (const [i, a] of assets.entries()) {
    if (i % 20 === 0) await stack.api('admin', 'POST', `/assets/${a.id}/status`, { status: (['FAULT', 'OFFLINE', 'MAINTENANCE'] as const)[(i / 20) % 3], reason: 'bench' });
  }
  const { browser, close } = await launchChromium();
  const browserCdp = await browser.newBrowserCDPSession();
  const rows: string[] = [];
  const runNotes: string[] = [];
  const taskNotes: string[] = [];
  const loadStart = loadavg()[0];
  let fleetNote = '';
  let fleet: BenchUnit[] = [];
  let avlKey = '';
  try {
    for (const [label, width, height, withUnits] of [
      ['1920×1080', 1920, 1080, false],
      ['3840×2160', 3840, 2160, false],
      [`1920×1080, ${UNITS.toLocaleString('en')} units moving`, 1920, 1080, true],
    ] as const) {
      if (ONLY_UNITS && !withUnits) continue;
      if (ONLY_BASE && (withUnits || width !== 1920)) continue;
      if (withUnits && fleet.length === 0) {
        // Stored before the page loads: the console reads the units over REST, then follows them live.
        fleet = await seedUnits(stack.databaseUrl, UNITS);
        avlKey = (await stack.api<{ key: string }>('admin', 'POST', '/admin/api-keys', { clientName: 'Bench AVL platform', scopes: ['units:positions'] })).key;
      }
      const runs: RunStats[] = [];
      for (let run = 0; run < RUNS; run++) {
        const context = await browser.newContext({ viewport: { width, height } });
        await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
        // tsx (esbuild) names functions with a __name helper: give the page one for page.evaluate.
        await context.addInitScript('window.__name = (f) => f');
        const page = await context.newPage();
        await page.goto(stack.baseUrl);
        await page.fill('input[name=username]', 'videowall');
        await page.fill('input[name=password]', PASSWORD);
        await page.click('button[type=submit]');
        await page.waitForSelector('.shell[data-feed="live"]', { timeout: 20_000 });
        await page.waitForFunction((n) => (window as unknown as { __cgiLive?: { assets?: { size: number } } }).__cgiLive?.assets?.size === n, assets.length, { timeout: 20_000 });
        if (withUnits) {
          // The console has read the fleet (GET /units at the feed's connection).
          await page.waitForFunction((n) => (window as unknown as { __cgiLive?: { units?: { size: number } } }).__cgiLive?.units?.size === n, UNITS, { timeout: 20_000 });
        }
        const cdp = await context.newCDPSession(page);
        await cdp.send('HeapProfiler.collectGarbage');
        await cdp.send('Performance.enable');
        // CPU the page costs, whatever the frame rate the machine allows: the renderer's main thread busy
        // time (Performance.getMetrics TaskDuration) and all of Chromium's processes (SystemInfo), over the whole run.
        const busy0 = await taskSeconds(cdp);
        const cpu0 = await chromiumCpuSeconds(browserCdp);
        const wall0 = Date.now();
        const sender = withUnits ? startFleet(stack.baseUrl, avlKey, fleet) : null;
        let pageT0 = 0;
        if (PROFILE) {
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.start');
          pageT0 = await page.evaluate(() => performance.now());
        }
        const r = await measure(page);
        if (PROFILE) {
          const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
          printProfile(label, profile);
          printLongFrames(profile, pageT0, r.longFrames);
        }
        const wall = (Date.now() - wall0) / 1000;
        const fixes = await sender?.stop();
        if (fixes) {
          await page.screenshot({ path: screenshotPath('bench-videowall-units-1080p') });
          fleetNote = `With the units (last run): ${fixes.sent} fixes sent during the run (${fmtRate(fixes.sent, wall)}/s), ${fixes.accepted} accepted by the API, ${fixes.failed} in failed batches; ${r.units} units in the console's store, their canvas repainted ${r.unitPaints} times during the updates.`;
          console.log(fleetNote);
        }
        const busy = (await taskSeconds(cdp)) - busy0;
        const cpu = (await chromiumCpuSeconds(browserCdp)) - cpu0;
        await cdp.send('HeapProfiler.collectGarbage');
        const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
        const f = r.frames;
        runs.push({
          firstRenderMs: r.firstRenderMs, applied: r.applied,
          p50: pct(f, 50), p95: pct(f, 95), p99: pct(f, 99), max: Math.max(...f), fps: 1000 / (f.reduce((a, b) => a + b, 0) / f.length),
          long: f.filter((x) => x > 50).length, heapBefore: r.heapBefore, heapAfter: usedSize, busyPct: (busy / wall) * 100, cpuCores: cpu / wall,
          longTasks: r.longTasks, longestTaskMs: r.longestTaskMs, mapResizes: r.mapResizes,
        });
        const x = runs.at(-1) as RunStats;
        console.log(`${label} run ${run + 1}/${RUNS}: first render ${x.firstRenderMs.toFixed(0)} ms, frames p99 ${x.p99.toFixed(1)} max ${x.max.toFixed(0)} ms, ${x.long} over 50 ms; tasks over 50 ms from the snapshot on ${x.longTasks} (longest ${x.longestTaskMs.toFixed(0)} ms); map resized ${x.mapResizes} times; load ${loadavg()[0].toFixed(1)}`);
        await context.close();
      }
      const m = (k: keyof RunStats): number => median(runs.map((x) => x[k]));
      rows.push(
        `| ${label} | ${m('firstRenderMs').toFixed(0)} ms | ${m('applied').toFixed(0)} in ${SECONDS} s | ${m('p50').toFixed(1)} / ${m('p95').toFixed(1)} / ${m('p99').toFixed(1)} / ${m('max').toFixed(0)} ms | ${m('fps').toFixed(0)} | ${m('long')} | ${mb(m('heapBefore'))} → ${mb(m('heapAfter'))} MB | ${m('busyPct').toFixed(0)} % | ${m('cpuCores').toFixed(2)} |`,
      );
      console.log(rows.at(-1));
      runNotes.push(`${label}: ${runs.map((x) => `${x.long} / ${x.max.toFixed(0)} ms`).join(', ')}`);
      taskNotes.push(`${label}: ${runs.map((x) => `${x.longTasks} (longest ${x.longestTaskMs.toFixed(0)} ms)`).join(', ')}; map resized during the updates ${runs.map((x) => x.mapResizes).join(', ')} times`);
    }
  } finally {
    await close();
    await stack.stop();
  }
  if (ONLY_UNITS || ONLY_BASE) {
    console.log('--only: docs/benchmarks.md not written');
    return;
  }
  const loadEnd = loadavg()[0];
  writeSection(
    'console',
    `## Console rendering

Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; headless Debian Chromium with
\`--disable-gpu\` (software canvas: a videowall PC with a GPU does better), sharing the machine with the API, PostgreSQL and Redis
(and with other engineers' builds and tests: load average ${loadStart.toFixed(1)} at the start, ${loadEnd.toFixed(1)} at the end, on ${cpus().length} cores).

The videowall (\`VIEWER\`) with ${N.toLocaleString('en')} open occurrences spread over Porto, injected into the console's store as a
REST snapshot would be (canvas layer + supercluster, KPI tiles, urgent list, ticker), and the city's ${ASSETS} assets on their layers
(${Object.entries(ASSET_COUNTS).map(([k, n]) => `${n} ${k.toLowerCase().replace(/_/g, ' ')}s`).join(', ')}; 1 in 20 not OK), then ${RATE} live updates per second
for ${SECONDS} s (new version, priority and escalation changes) applied as the live feed applies them. Frame times are
sampled with \`requestAnimationFrame\`; heap is the JS heap after a forced GC. Main thread busy: the renderer main
thread's task time over the run (first render + updates); Chromium CPU: CPU seconds per second of all Chromium processes
(renderer, compositor, GPU/software rasteriser) over the same run. Frame times depend on what else the 2 cores are doing;
the CPU columns much less. Each screen ${RUNS} times (a fresh page each): every column is the median of the runs.

| screen | first full render | updates applied | frame time p50 / p95 / p99 / max | mean fps | frames > 50 ms | JS heap before → after | main thread busy | Chromium CPU (cores) |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Per run, frames over 50 ms / longest frame: ${runNotes.join('; ')}.

Main-thread tasks over 50 ms from the snapshot on (the Long Tasks API, the snapshot's own processing included; the
frame times above start after the first render), per run: ${taskNotes.join('; ')}.

${fleetNote ? `${fleetNote} Target (issue 14): no frame over 50 ms at 1080p with 10,000 occurrences and 1,000 moving units; the longest frame is the "max" above.\n\n` : ''}First full render: from handing the snapshot to the store to the map's canvas painted with it (the cluster index is built in slices of
about 8 ms, a zoom level at least, between frames); the KPI tiles and urgent list follow on their once-a-second tick and are checked to show all of
them. Reproduce: \`npx nx run-many -t build -p api console && npm run bench:console\` (\`-- --runs N\`, default ${DEFAULT_RUNS}).`,
  );
  console.log('docs/benchmarks.md: Console rendering');
})();
