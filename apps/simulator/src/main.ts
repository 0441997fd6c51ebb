/**
 * npm run simulate -- [--scenario day|storm] [--rate N per hour] [--minutes M] [--speed S]
 *                     [--base-url http://localhost:3000] [--seed N]
 *                     [--no-fleet] [--assign P1,P2|P1,P2,P3|none] [--http-departments ENVIRONMENT,…|none]
 *
 * Drives the running stack like a real day (or a storm, journey 4): operator intake, citizen
 * reports through Open311 (with duplicates), sensor alarms from the Urban Platform, operators
 * triaging, department agents acknowledging, going on scene and resolving after realistic
 * delays — and some never acknowledging, so escalations happen. Logins come from the demo
 * credentials `npm start` wrote (var/demo-credentials.txt).
 *
 * The fleet (fleet.ts): every unit reports a fix every 5 s — over MQTT as the AVL gateway (broker
 * credentials from var/mosquitto/credentials.env), the `--http-departments` ones (default
 * ENVIRONMENT: a contractor's fleet platform) in HTTP batches with an API key of scope
 * `units:positions`. Dispatched units drive to their occurrence at their kind's speed (× --speed),
 * released ones drive back to base; free ones idle at base, or patrol near it. An operator assigns
 * the nearest proposed unit to each new occurrence of the --assign priorities (default P1,P2; P1:
 * two units), the unit's department confirms it on scene when the geofence proposes it, and the
 * lead resolves later (--assign none: only units assigned from the console move).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPARTMENTS, PRIORITIES, type Department, type OccurrenceSource, type OccurrenceView, type Page, type Priority } from '@cgi/shared';
import { Fleet } from './fleet';
import { sendWithRetry } from './retry';
import { between, interArrivalMs, rng, SCENARIOS, weighted, type Scenario } from './scenario';

const ROOT = join(__dirname, '..', '..', '..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const scenario: Scenario = { ...SCENARIOS[(arg('scenario') ?? 'day') as Scenario['name']] };
if (!scenario.name) throw new Error('--scenario must be day or storm');
if (arg('rate')) scenario.ratePerHour = Number(arg('rate'));
const MINUTES = Number(arg('minutes') ?? '10');
const SPEED = Number(arg('speed') ?? '1');
const BASE = (arg('base-url') ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
const random = rng(Number(arg('seed') ?? Date.now() % 1_000_000));
const FLEET = !process.argv.includes('--no-fleet');
const ASSIGN = new Set((arg('assign') ?? 'P1,P2').split(',').filter((p): p is Priority => (PRIORITIES as readonly string[]).includes(p)));
const HTTP_DEPARTMENTS = new Set((arg('http-departments') ?? 'ENVIRONMENT').split(',').filter((d): d is Department => (DEPARTMENTS as readonly string[]).includes(d)));
let fleet: Fleet | null = null;

interface Address { street: string; lat: number; lon: number; parish: string }
const addresses: Address[] = readFileSync(join(ROOT, 'data/porto/addresses.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
  const v = l.split(',');
  return { street: `${v[0]} ${v[1]}`, lat: Number(v[3]), lon: Number(v[4]), parish: v[5] };
});
const parishes = [...new Set(addresses.map((a) => a.parish))].sort();

const stats = {
  created: { OPERATOR: 0, CITIZEN: 0, SENSOR: 0 } as Record<OccurrenceSource, number>,
  duplicatesLinked: 0, retried503: 0, triaged: 0, acknowledged: 0, onScene: 0, resolved: 0, ignored: 0, errors: new Map<string, number>(),
};
const fail = (what: string, status: number | string): void => {
  const key = `${what} ${status}`;
  stats.errors.set(key, (stats.errors.get(key) ?? 0) + 1);
};

function credentials(): Map<string, string> {
  const file = process.env.CGI_CREDENTIALS ?? join(ROOT, 'var', 'demo-credentials.txt');
  const map = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [user, password] = line.trim().split(/\s+/);
    if (user && password && !user.startsWith('#')) map.set(user, password);
  }
  return map;
}

async function call<T>(method: string, path: string, auth: Record<string, string>, body?: unknown, renewed = false): Promise<{ status: number; json: T }> {
  const init = {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
  // Reads, and writes with an Idempotency-Key, are repeated after a 503 (intake at capacity, ADR 0016).
  const repeatable = method === 'GET' || 'idempotency-key' in auth;
  const { response: r, attempts } = repeatable ? await sendWithRetry(() => fetch(`${BASE}${path}`, init)) : { response: await fetch(`${BASE}${path}`, init), attempts: 1 };
  stats.retried503 += attempts - 1;
  const text = await r.text();
  // Access tokens last 15 min: a user's expired token is renewed by logging in again, once per call.
  const session = auth.authorization ? sessions.get(auth.authorization) : undefined;
  if (r.status === 401 && session && !renewed) {
    const fresh = await session.renew();
    return call<T>(method, path, { ...auth, authorization: fresh }, body, true);
  }
  return { status: r.status, json: (text ? JSON.parse(text) : null) as T };
}

/** Logged-in users by their current Authorization header: how to renew it. */
const sessions = new Map<string, { renew: () => Promise<string> }>();

async function login(username: string, password: string): Promise<Record<string, string>> {
  const token = async (): Promise<string> => {
    const r = await call<{ accessToken: string }>('POST', '/api/v1/auth/login', {}, { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status}`);
    return `Bearer ${r.json.accessToken}`;
  };
  const auth = { authorization: await token() };
  let renewing: Promise<string> | null = null;
  const session = {
    // Concurrent 401s share one login; the auth object everyone holds gets the new header.
    renew: (): Promise<string> => (renewing ??= token().then((h) => {
      auth.authorization = h;
      sessions.set(h, session);
      renewing = null;
      return h;
    }, (e: unknown) => {
      renewing = null;
      throw e;
    })),
  };
  sessions.set(auth.authorization, session);
  return auth;
}

function pickAddress(): Address {
  const biased = Object.entries(scenario.parishBias).find(([, share]) => random() < share);
  const parish = biased ? biased[0] : parishes[Math.floor(random() * parishes.length)];
  const pool = addresses.filter((a) => a.parish === parish);
  return pool[Math.floor(random() * pool.length)];
}

const recentCitizen: Array<{ category: string; lat: number; lon: number; at: number }> = [];
/** Categories the Gabinete do Munícipe offers citizens (emergencies go to 112 and reach the CGI by operator). */
const citizenFacing = new Set<string>();

async function arrive(op: Record<string, string>, keys: { gabinete: string; sensors: string }): Promise<void> {
  let source = weighted(scenario.sources, random());
  let category = weighted(scenario.categories, random());
  if (source === 'CITIZEN' && !citizenFacing.has(category)) source = 'OPERATOR';
  let place = pickAddress();
  let { lat, lon } = place;
  if (source === 'CITIZEN' && recentCitizen.length > 0 && random() < scenario.duplicateShare) {
    const prev = recentCitizen[Math.floor(random() * recentCitizen.length)];
    category = prev.category;
    lat = prev.lat + (random() - 0.5) * 0.0008; // within about 45 m
    lon = prev.lon + (random() - 0.5) * 0.0008;
    place = { ...place, lat, lon };
  }
  const description = `${category.replace(/_/g, ' ').toLowerCase()} em ${place.street} (simulação)`;
  if (source === 'CITIZEN') {
    const form = new URLSearchParams({ api_key: keys.gabinete, service_code: category, lat: String(lat), long: String(lon), address_string: `${place.street}, Porto`, description });
    // The Gabinete do Munícipe's client: a 503 stored nothing, so it sends the request again (backoff, Retry-After).
    const { response: r, attempts } = await sendWithRetry(() =>
      fetch(`${BASE}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }));
    stats.retried503 += attempts - 1;
    if (r.status === 201 || r.status === 200) {
      stats.created.CITIZEN++;
      const body = await r.text();
      if (/already known|já é conhecid|ja e conhecid/i.test(body)) stats.duplicatesLinked++;
      recentCitizen.push({ category, lat, lon, at: Date.now() });
      if (recentCitizen.length > 50) recentCitizen.shift();
    } else fail('open311 report', r.status);
    return;
  }
  // One Idempotency-Key per report, kept across its retries.
  const auth = { ...(source === 'SENSOR' ? { 'x-api-key': keys.sensors } : op), 'idempotency-key': randomUUID() };
  const r = await call<OccurrenceView>('POST', '/api/v1/occurrences', auth, {
    category, source, description, location: { lat, lon, address: `${place.street}, Porto` },
    flags: { injuries: category === 'TRAFFIC_ACCIDENT' && random() < 0.3, blocksTraffic: random() < 0.15 },
  });
  if (r.status === 201) stats.created[source]++;
  else fail(`${source.toLowerCase()} intake`, r.status);
}

const scheduled = new Set<string>();
const later = (seconds: number, fn: () => Promise<void>): void => {
  setTimeout(() => void fn().catch((e: unknown) => fail('action', String(e))), (seconds * 1000) / SPEED).unref();
};

async function triageLoop(op: Record<string, string>): Promise<void> {
  const r = await call<Page<OccurrenceView>>('GET', '/api/v1/occurrences?status=NEW&limit=200', op);
  if (r.status !== 200) return fail('triage list', r.status);
  for (const o of r.json.items) {
    if (scheduled.has(`triage:${o.id}`)) continue;
    scheduled.add(`triage:${o.id}`);
    later(between([10, 60], random()), async () => {
      if (o.lead === 'CGI') {
        // An operator decides: outside Porto or unclear → Civil Protection looks at it.
        const ov = await call('POST', `/api/v1/occurrences/${o.id}/routing-override`, op, { lead: 'CIVIL_PROTECTION', support: [], priority: o.priority, reason: 'Triagem do operador (simulação)' });
        if (ov.status !== 200) return fail('override', ov.status);
      } else {
        const t = await call('POST', `/api/v1/occurrences/${o.id}/triage`, op, {});
        if (t.status !== 200) return fail('triage', t.status);
      }
      const d = await call<OccurrenceView>('POST', `/api/v1/occurrences/${o.id}/dispatch`, op, {});
      if (d.status === 200) {
        stats.triaged++;
        fleet?.dispatched(d.json);
      } else fail('dispatch', d.status);
    });
  }
}

async function agentLoop(dept: Department, auth: Record<string, string>): Promise<void> {
  const r = await call<Page<OccurrenceView>>('GET', `/api/v1/occurrences?status=DISPATCHED,ACKNOWLEDGED,ON_SCENE&limit=500`, auth);
  if (r.status !== 200) return fail(`${dept} list`, r.status);
  for (const o of r.json.items) {
    const mine = o.assignments.find((a) => a.department === dept && a.state === 'PENDING');
    if (!mine || scheduled.has(`${dept}:${o.id}`)) continue;
    scheduled.add(`${dept}:${o.id}`);
    if (random() < scenario.neverAcknowledge) {
      stats.ignored++;
      continue;
    }
    const isLead = o.lead === dept;
    later(between(scenario.delays.acknowledge, random()), async () => {
      const a = await call('POST', `/api/v1/occurrences/${o.id}/acknowledge`, auth, {});
      // Its unit, confirmed on scene first, took the department on scene with it: nothing to acknowledge.
      if (a.status === 409 && fleet?.drives(o.id)) return;
      if (a.status !== 200) return fail('acknowledge', a.status);
      stats.acknowledged++;
      if (!isLead) return;
      // Its units go on scene with the department when they arrive (the fleet confirms them).
      if (fleet?.drives(o.id)) return void waitingForUnits.add(o.id);
      goOnSceneThenResolve(o.id, auth);
    });
  }
}

const waitingForUnits = new Set<string>();

function goOnSceneThenResolve(id: string, auth: Record<string, string>): void {
  later(between(scenario.delays.onScene, random()), async () => {
    const s = await call('POST', `/api/v1/occurrences/${id}/on-scene`, auth, {});
    if (s.status !== 200) return fail('on scene', s.status);
    stats.onScene++;
    resolveLater(id, auth);
  });
}

const resolving = new Set<string>();
function resolveLater(id: string, auth: Record<string, string>): void {
  if (resolving.has(id)) return;
  resolving.add(id);
  later(between(scenario.delays.resolve, random()), async () => {
    const v = await call('POST', `/api/v1/occurrences/${id}/resolve`, auth, {
      note: 'Resolvido no local (simulação).', publicNote: 'A situação foi resolvida. Obrigado pela participação.',
    });
    if (v.status === 200) stats.resolved++;
    else fail('resolve', v.status);
  });
}

async function main(): Promise<void> {
  const creds = credentials();
  const need = (u: string): string => {
    const p = creds.get(u);
    if (!p) throw new Error(`no password for ${u} in the demo credentials (run npm start first)`);
    return p;
  };
  const op = await login('operador', need('operador'));
  const admin = await login('admin', need('admin'));
  const agents: Array<[Department, string]> = [['CIVIL_PROTECTION', 'protecao.civil'], ['FIRE', 'bombeiros'], ['POLICE', 'policia'], ['MOBILITY', 'mobilidade'], ['ENVIRONMENT', 'ambiente']];
  const agentAuth = new Map<Department, Record<string, string>>();
  for (const [d, u] of agents) agentAuth.set(d, await login(u, need(u)));
  const key = async (clientName: string): Promise<string> => {
    const r = await call<{ key: string }>('POST', '/api/v1/admin/api-keys', admin, { clientName, scopes: ['occurrences:create', 'reference:read'] });
    if (r.status !== 201) throw new Error(`creating an API key: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json.key;
  };
  const catalogue = await call<{ categories: Array<{ code: string; citizenFacing: boolean }> }>('GET', '/api/v1/reference/categories', op);
  for (const c of catalogue.json.categories) if (c.citizenFacing) citizenFacing.add(c.code);
  const keys = { gabinete: await key(`Gabinete do Munícipe (simulação ${new Date().toISOString()})`), sensors: await key(`Plataforma Urbana (simulação ${new Date().toISOString()})`) };
  if (FLEET) {
    const f = new Fleet({
      root: ROOT, call, operator: op, admin, agents: agentAuth, random, speed: SPEED, assignPriorities: ASSIGN, httpDepartments: HTTP_DEPARTMENTS, later, fail,
      onScene: (o) => {
        // The first unit confirmed took the department on scene with it; the lead resolves later.
        if (resolving.has(o.id)) return;
        stats.onScene++;
        waitingForUnits.delete(o.id);
        const lead = agentAuth.get(o.lead as Department);
        if (lead) resolveLater(o.id, lead);
      },
      unassigned: (o) => {
        const lead = agentAuth.get(o.lead as Department);
        // The lead already acknowledged and waited for units that will not come: it goes itself.
        if (lead && waitingForUnits.delete(o.id)) goOnSceneThenResolve(o.id, lead);
      },
    });
    try {
      console.log(`Fleet: ${await f.start()}${ASSIGN.size ? `; the operator assigns the nearest unit to new ${[...ASSIGN].join('/')} occurrences` : ''}.`);
      fleet = f;
    } catch (e) {
      console.log(`Fleet: not driven (${e instanceof Error ? e.message : String(e)}).`);
    }
  }

  console.log(`Simulating a ${scenario.name}: ${scenario.ratePerHour} occurrences/hour for ${MINUTES} min against ${BASE} (delays ×1/${SPEED}).`);
  const started = Date.now();
  const end = started + MINUTES * 60_000;
  const timers = [
    setInterval(() => void triageLoop(op).catch((e: unknown) => fail('triage loop', String(e))), 5000),
    ...[...agentAuth].map(([d, auth]) => setInterval(() => void agentLoop(d, auth).catch((e: unknown) => fail(`${d} loop`, String(e))), 4000)),
    setInterval(() => {
      const t = Math.round((Date.now() - started) / 1000);
      const c = stats.created;
      const errs = [...stats.errors.values()].reduce((a, b) => a + b, 0);
      const l = fleet?.legs();
      const units = l && fleet ? `  units: en route ${l.TO_SCENE}, on scene ${l.ON_SCENE}, returning ${l.TO_BASE}, patrolling ${l.PATROL}; fixes ${fleet.stats.mqtt + fleet.stats.http}` : '';
      process.stdout.write(`\r t=${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}  created ${c.OPERATOR + c.CITIZEN + c.SENSOR} (operator ${c.OPERATOR}, citizen ${c.CITIZEN}, sensor ${c.SENSOR})  triaged ${stats.triaged}  acknowledged ${stats.acknowledged}  resolved ${stats.resolved}  left unacknowledged ${stats.ignored}${units}  errors ${errs}   `);
    }, 1000),
  ];
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(interArrivalMs(scenario.ratePerHour, random()), end - Date.now())));
    if (Date.now() >= end) break;
    void arrive(op, keys).catch((e: unknown) => fail('arrival', String(e)));
  }
  timers.forEach(clearInterval);
  await fleet?.stop();
  const esc = await call<Page<OccurrenceView>>('GET', '/api/v1/occurrences?limit=500', op);
  const escalated = esc.json.items.filter((o) => o.escalationLevel !== 'L0').length;
  const c = stats.created;
  console.log('\n\nSummary');
  console.log(`  occurrences created   ${c.OPERATOR + c.CITIZEN + c.SENSOR} (operator ${c.OPERATOR}, citizen ${c.CITIZEN}, sensor ${c.SENSOR})`);
  console.log(`  citizen duplicates    ${stats.duplicatesLinked} linked to an open occurrence`);
  console.log(`  triaged + dispatched  ${stats.triaged}`);
  console.log(`  acknowledged          ${stats.acknowledged}; on scene ${stats.onScene}; resolved ${stats.resolved}`);
  console.log(`  never acknowledged    ${stats.ignored} assignments (escalation material)`);
  console.log(`  retried after a 503   ${stats.retried503} (intake at capacity; nothing was stored)`);
  console.log(`  escalated now         ${escalated} of the latest ${esc.json.items.length} occurrences`);
  if (fleet) {
    const f = fleet.stats;
    console.log(`  fleet                 ${fleet.size} units over ${f.transport}: ${f.mqtt} fixes over MQTT, ${f.http} over HTTP (${f.rejected} refused); ${f.assigned} units assigned, ${f.confirmed} confirmed on scene`);
  }
  console.log(`  errors                ${stats.errors.size === 0 ? 'none' : [...stats.errors].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
