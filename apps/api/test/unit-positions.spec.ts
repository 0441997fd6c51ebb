import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import { UNIT_POSITION_TOPIC, type Department, type LiveServerEvents, type LiveUnitPositions } from '@cgi/shared';
import { createApp } from '../src/app.factory';
import { ApiKeyService } from '../src/auth/api-key.service';
import { UnitPositionRetentionJob } from '../src/units/positions/unit-position-retention.job';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';
import { openLiveSocket } from '../../../test/support/live-client';
import { brokerCredentials, mqttClient, vehicleUser } from '../../../test/support/mqtt-broker';

/**
 * AVL positions end to end: HTTP batches with an API key, MQTT through the project's real
 * Mosquitto (gateway and vehicle users, ACL), the database, and real socket.io clients on two
 * API nodes (the second one booted on the same database, sharing the MQTT group and Redis).
 */
type Position = LiveUnitPositions['positions'][number];

const broker = brokerCredentials();
const run = randomBytes(3).toString('hex').toUpperCase();
const code = (name: string): string => `T${run}-${name}`;

/** Polls `check` until it answers something other than undefined (the test's timeout bounds it). */
async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await check();
    if (v !== undefined) return v;
    if (i > 400) throw new Error(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A console's socket, recording every `units:positions` message. */
class Console {
  readonly received: Position[] = [];
  readonly messages: LiveUnitPositions[] = [];
  constructor(readonly socket: Socket<LiveServerEvents>) {
    socket.on('units:positions', (m) => {
      this.messages.push(m);
      this.received.push(...m.positions);
    });
  }
  static async open(url: string, token: string): Promise<Console> {
    // The server joins the socket to its room when it connects; a heartbeat says the session is live.
    return new Console(await openLiveSocket(url, token));
  }
  of(unitId: string): Position[] {
    return this.received.filter((p) => p.unitId === unitId);
  }
  waitFor(unitId: string, at: string): Promise<Position> {
    return until(() => this.received.find((p) => p.unitId === unitId && p.at === at), `position ${at} of ${unitId} on a socket`);
  }
  close(): void {
    this.socket.disconnect();
  }
}

describe('AVL positions (HTTP, MQTT through the project broker, live on two nodes)', () => {
  let api: ApiHarness;
  let second: NestFastifyApplication;
  let urlA: string;
  let urlB: string;
  let apiKey: string;
  let gateway: MqttClient;
  const consoles: Console[] = [];
  const clients: MqttClient[] = [];
  const units: Record<string, { id: string; code: string; department: Department }> = {};

  const fixAt = (secondsAgo: number): string => new Date(Math.floor(Date.now() / 1000) * 1000 - secondsAgo * 1000).toISOString();

  async function unit(name: string, department: Department, kind: string, at = PLACES.santaCatarina): Promise<{ id: string; code: string }> {
    const c = code(name);
    const { rows } = await api.db.query<{ id: string }>(
      `INSERT INTO units (code, callsign, department, kind, home_base, synthetic)
       VALUES ($1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326)::geography, true) RETURNING id`,
      [c, `${name} ${run}`, department, kind, at.lon, at.lat],
    );
    units[name] = { id: rows[0].id, code: c, department };
    return units[name];
  }

  const post = (positions: unknown[], key = apiKey) => api.http().post('/api/v1/units/positions').set('x-api-key', key).send({ positions });
  const openConsole = async (url: string, who: TestIdentity): Promise<Console> => {
    const c = await Console.open(url, api.auth(who).slice('Bearer '.length));
    consoles.push(c);
    return c;
  };
  const history = async (unitId: string): Promise<string[]> =>
    (await api.db.query<{ at: Date }>(`SELECT at FROM unit_positions WHERE unit_id = $1 ORDER BY at`, [unitId])).rows.map((r) => r.at.toISOString());
  const lastFix = async (unitId: string): Promise<string | null> =>
    (await api.db.query<{ position_at: Date | null }>(`SELECT position_at FROM units WHERE id = $1`, [unitId])).rows[0].position_at?.toISOString() ?? null;
  const publish = (client: MqttClient, unitCode: string, body: string | object): Promise<unknown> =>
    client.publishAsync(UNIT_POSITION_TOPIC(unitCode), typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });

  beforeAll(async () => {
    const overrides = {
      MQTT_URL: broker.MQTT_URL,
      MQTT_USERNAME: broker.MQTT_USERNAME,
      MQTT_PASSWORD: broker.MQTT_PASSWORD,
      // Its own share group: an API of another checkout or a dev server on this broker never takes these messages.
      MQTT_SHARE_GROUP: `cgi-api-test-${run}`,
      UNIT_POSITION_PRUNE_CRON: 'off',
      RETENTION_JOB_CRON: 'off',
      UNIT_POSITIONS_LIVE_GATHER_MS: '5',
      LIVE_HEARTBEAT_MS: '200',
    };
    api = await startApi(overrides);
    await api.app.listen(0, '127.0.0.1');
    urlA = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    second = await createApp(api.env, { logger: false });
    await second.listen(0, '127.0.0.1');
    urlB = `http://127.0.0.1:${(second.getHttpServer().address() as AddressInfo).port}`;
    apiKey = (await api.app.get(ApiKeyService).create('AVL gateway', ['units:positions'], 'test')).key;
    for (const url of [urlA, urlB]) {
      await until(async () => {
        const r = (await (await fetch(`${url}/health/ready`)).json()) as { checks: { mqtt?: string } };
        return r.checks.mqtt === 'up' ? true : undefined;
      }, 'the MQTT consumer to subscribe');
    }
    gateway = await mqttClient(broker.MQTT_URL, broker.MQTT_GATEWAY_USERNAME, broker.MQTT_GATEWAY_PASSWORD);
    clients.push(gateway);
  }, 60000);

  afterAll(async () => {
    consoles.forEach((c) => c.close());
    await Promise.all(clients.map((c) => c.endAsync().catch(() => undefined)));
    await second?.close();
    await api?.close();
  }, 30000);

  it('reports the broker in the readiness check', async () => {
    const ready = await api.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up', mqtt: 'up' } });
  });

  it('HTTP: accepts a batch, ignores duplicates and out-of-order fixes by timestamp, keeps the newest as the position', async () => {
    const u = await unit('HTTP1', 'FIRE', 'ENGINE');
    const [t1, t2, t3] = [fixAt(30), fixAt(20), fixAt(10)];
    const first = await post([
      { unit: u.code, lat: 41.1496, lon: -8.6063, at: t1, speedKmh: 30, headingDeg: 90 },
      { unit: u.code, lat: 41.1497, lon: -8.6062, at: t2 },
    ]);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accepted: 2, ignored: 0 });
    expect(await lastFix(u.id)).toBe(t2);

    // t2 again (a retry), t1 (older than the last), t3 (newer): one accepted.
    const second = await post([
      { unit: u.code, lat: 41.1497, lon: -8.6062, at: t2 },
      { unit: u.code, lat: 41.1496, lon: -8.6063, at: t1 },
      { unit: u.code, lat: 41.1498, lon: -8.6061, at: t3, speedKmh: null, headingDeg: null },
    ]);
    expect(second.body).toEqual({ accepted: 1, ignored: 2 });
    expect(await history(u.id)).toEqual([t1, t2, t3]);
    const row = (await api.db.query(`SELECT ST_Y(position::geometry) AS lat, speed_kmh, heading_deg FROM units WHERE id = $1`, [u.id])).rows[0];
    expect(row).toEqual({ lat: 41.1498, speed_kmh: null, heading_deg: null });
    expect(await lastFix(u.id)).toBe(t3);
  });

  it('HTTP: refuses the whole batch naming each bad item, and stores nothing', async () => {
    const u = await unit('HTTP2', 'POLICE', 'PATROL_CAR');
    const before = await api.count('unit_positions');
    const res = await post([
      { unit: u.code, lat: 41.15, lon: -8.61, at: fixAt(5) },
      { unit: u.code, lat: 200, lon: -8.61, at: fixAt(5) },
      { unit: code('NOPE'), lat: 41.15, lon: -8.61, at: fixAt(5) },
      { unit: u.code, lat: PLACES.atlantic.lat, lon: PLACES.atlantic.lon, at: fixAt(5) },
      { unit: u.code, lat: 41.15, lon: -8.61, at: new Date(Date.now() + 3600_000).toISOString() },
      { unit: u.code, lat: 41.15, lon: -8.61, at: fixAt(5), colour: 'red' },
      { lat: 41.15, lon: -8.61, at: fixAt(5) },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = (res.body.error.fields as Array<{ field: string }>).map((f) => f.field).sort();
    expect(fields).toEqual(['positions[1].lat', 'positions[2].unit', 'positions[3].lat', 'positions[4].at', 'positions[5].colour', 'positions[6].unit']);
    expect(await api.count('unit_positions')).toBe(before);
    expect(await lastFix(u.id)).toBeNull();

    const tooMany = await post(Array.from({ length: 501 }, (_, i) => ({ unit: u.code, lat: 41.15, lon: -8.61, at: fixAt(600 - i) })));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.fields[0].field).toBe('positions');
    expect((await post([])).status).toBe(400);

    const otherKey = (await api.app.get(ApiKeyService).create('Intake only', ['occurrences:create'], 'test')).key;
    expect((await post([{ unit: u.code, lat: 41.15, lon: -8.61, at: fixAt(5) }], otherKey)).status).toBe(403);
    expect(await api.count('unit_positions')).toBe(before);
  });

  it('MQTT: a gateway fix is stored and reaches consoles on both nodes', async () => {
    const u = await unit('MQTT1', 'FIRE', 'LADDER');
    const [onA, onB] = [await openConsole(urlA, 'operator'), await openConsole(urlB, 'viewer')];
    const at = fixAt(3);
    await publish(gateway, u.code, { lat: 41.1487, lon: -8.5853, at, speedKmh: 42, headingDeg: 180 });
    const seenA = await onA.waitFor(u.id, at);
    const seenB = await onB.waitFor(u.id, at);
    expect(seenA).toEqual({ unitId: u.id, lat: 41.1487, lon: -8.5853, at, speedKmh: 42, headingDeg: 180 });
    expect(seenB).toEqual(seenA);
    expect(await history(u.id)).toEqual([at]);
    expect(await lastFix(u.id)).toBe(at);
  });

  it('MQTT: a malformed message, a bad fix and an unknown unit are dropped and counted; the good message after them arrives', async () => {
    const u = await unit('MQTT2', 'CIVIL_PROTECTION', 'CP_TEAM');
    const cgi = await openConsole(urlA, 'supervisor');
    // The share group spreads messages over both nodes: each node's own /metrics counts its own.
    const dropped = async (): Promise<number> => {
      let n = 0;
      for (const url of [urlA, urlB]) {
        const text = await (await fetch(`${url}/metrics`)).text();
        for (const r of ['malformed', 'invalid', 'unknown_unit']) {
          const line = text.split('\n').find((l) => l.startsWith(`cgi_unit_positions_dropped_total{reason="${r}"}`));
          n += line ? Number(line.split(' ').pop()) : 0;
        }
      }
      return n;
    };
    const droppedBefore = await dropped();
    await publish(gateway, u.code, '{"lat": 41.15, "lon": ');
    await publish(gateway, u.code, { lat: 41.15, lon: -8.61, at: 'yesterday' });
    await publish(gateway, code('GHOST'), { lat: 41.15, lon: -8.61, at: fixAt(2) });
    const at = fixAt(1);
    await publish(gateway, u.code, { lat: 41.1779, lon: -8.6044, at });
    await cgi.waitFor(u.id, at);
    expect(await history(u.id)).toEqual([at]);
    await until(async () => ((await dropped()) - droppedBefore >= 3 ? true : undefined), 'the drops to be counted');
    expect((await dropped()) - droppedBefore).toBe(3);
  });

  it('MQTT: a duplicate and an out-of-order fix are ignored by timestamp', async () => {
    const u = await unit('MQTT3', 'ENVIRONMENT', 'SWEEPER');
    const cgi = await openConsole(urlB, 'operator');
    const [t4, t5, t6] = [fixAt(30), fixAt(20), fixAt(10)];
    await publish(gateway, u.code, { lat: 41.15, lon: -8.61, at: t5 });
    await until(async () => ((await lastFix(u.id)) === t5 ? true : undefined), 'the first fix');
    await publish(gateway, u.code, { lat: 41.15, lon: -8.61, at: t5 });
    await publish(gateway, u.code, { lat: 41.151, lon: -8.611, at: t4 });
    await publish(gateway, u.code, { lat: 41.152, lon: -8.612, at: t6 });
    await until(async () => ((await lastFix(u.id)) === t6 ? true : undefined), 'the last fix');
    expect(await history(u.id)).toEqual([t5, t6]);
    await cgi.waitFor(u.id, t6);
    // The console never went back in time for this unit.
    const ats = cgi.of(u.id).map((p) => p.at);
    expect(ats).toEqual([...ats].sort());
    expect(ats).not.toContain(t4);
  });

  it('ACL: a vehicle user publishes its own positions and cannot publish another unit\'s', async () => {
    const mine = await unit('VEH1', 'MOBILITY', 'TOW_TRUCK');
    const other = await unit('VEH2', 'MOBILITY', 'CREW_VAN');
    const vehicle = await mqttClient(broker.MQTT_URL, mine.code, vehicleUser(mine.code));
    clients.push(vehicle);
    await expect(publish(vehicle, other.code, { lat: 41.15, lon: -8.61, at: fixAt(2) })).rejects.toMatchObject({ code: 135 });
    const at = fixAt(1);
    await publish(vehicle, mine.code, { lat: 41.15, lon: -8.61, at });
    await until(async () => ((await lastFix(mine.id)) === at ? true : undefined), "the vehicle's own fix");
    expect(await lastFix(other.id)).toBeNull();
    expect(await history(other.id)).toEqual([]);
    // Anonymous clients are refused by the broker.
    await expect(mqttClient(broker.MQTT_URL, '', '')).rejects.toBeTruthy();
  });

  it('scoping: a MOBILITY console never receives FIRE positions; the CGI and the videowall get every unit', async () => {
    const fire = await unit('SCOPE-F', 'FIRE', 'RESCUE');
    const mobility = await unit('SCOPE-M', 'MOBILITY', 'SIGNAL_TRUCK');
    const agent = await openConsole(urlB, 'mobilityAgent');
    const viewer = await openConsole(urlA, 'viewer');
    const operator = await openConsole(urlB, 'operator');
    const [tf, tm] = [fixAt(2), fixAt(1)];
    expect((await post([{ unit: fire.code, lat: 41.15, lon: -8.61, at: tf }])).status).toBe(200);
    await publish(gateway, mobility.code, { lat: 41.16, lon: -8.62, at: tm });
    await agent.waitFor(mobility.id, tm);
    await viewer.waitFor(fire.id, tf);
    await viewer.waitFor(mobility.id, tm);
    await operator.waitFor(fire.id, tf);
    // FIRE's fix went out before MOBILITY's: had it reached the agent's socket, it would be there by now.
    const departmentOf = new Map(Object.values(units).map((x) => [x.id, x.department]));
    expect(agent.received.map((p) => departmentOf.get(p.unitId)).filter((d) => d !== 'MOBILITY')).toEqual([]);
    expect(agent.of(fire.id)).toEqual([]);
  });

  it('live: at most one position per unit per second per socket, the newest kept', async () => {
    const u = await unit('BURST', 'POLICE', 'MOTORBIKE');
    const cgi = await openConsole(urlA, 'operator');
    const ats = [fixAt(4), fixAt(3), fixAt(2), fixAt(1)];
    for (const at of ats) expect((await post([{ unit: u.code, lat: 41.15, lon: -8.61, at }])).status).toBe(200);
    await cgi.waitFor(u.id, ats[3]);
    const got = cgi.of(u.id).map((p) => p.at);
    expect(got[0]).toBe(ats[0]);
    expect(got).toEqual([...new Set(got)].sort());
    expect(cgi.messages.every((m) => new Set(m.positions.map((p) => p.unitId)).size === m.positions.length)).toBe(true);
  });

  it('geofence: a dispatched unit coming within the radius proposes ON_SCENE once, at the fix time, in the event log', async () => {
    const created = await api
      .http()
      .post('/api/v1/occurrences')
      .set('authorization', api.auth('operator'))
      .send({ category: 'FIRE_BUILDING', location: PLACES.campanha, description: 'Incêndio em armazém' });
    expect(created.status).toBe(201);
    const occurrenceId: string = created.body.id;
    const u = await unit('GEO', 'FIRE', 'ENGINE', PLACES.santaCatarina);
    await api.db.query(`UPDATE units SET status = 'DISPATCHED', occurrence_id = $2, status_changed_at = now() WHERE id = $1`, [u.id, occurrenceId]);
    const { rows: [assignment] } = await api.db.query<{ id: string }>(
      `INSERT INTO unit_assignments (occurrence_id, unit_id, department, dispatched_by) VALUES ($1, $2, 'FIRE', 'test') RETURNING id`,
      [occurrenceId, u.id],
    );
    const proposals = async () =>
      (await api.db.query(`SELECT type, departments, payload, actor FROM occurrence_events WHERE occurrence_id = $1 AND type = 'UNIT_ON_SCENE_PROPOSED'`, [occurrenceId])).rows;
    const [far, near, nearer] = [fixAt(30), fixAt(20), fixAt(10)];
    // ~600 m away, then ~40 m, then ~10 m (Campanhã station is the occurrence).
    expect((await post([{ unit: u.code, lat: 41.1487, lon: -8.5925, at: far }])).body).toEqual({ accepted: 1, ignored: 0 });
    expect(await proposals()).toEqual([]);
    expect((await post([{ unit: u.code, lat: 41.1490, lon: -8.5855, at: near }])).body).toEqual({ accepted: 1, ignored: 0 });
    await publish(gateway, u.code, { lat: 41.1488, lon: -8.5853, at: nearer });
    await until(async () => ((await lastFix(u.id)) === nearer ? true : undefined), 'the MQTT fix at the scene');

    const events = await proposals();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      departments: ['FIRE'],
      actor: 'system:geofence',
      payload: { unit: { id: u.id, code: u.code, status: 'DISPATCHED', department: 'FIRE' }, from: 'DISPATCHED', occurrenceId, assignmentId: assignment.id, reason: 'geofence' },
    });
    expect(JSON.stringify(events[0].payload)).not.toContain('crew');
    const { rows: [a] } = await api.db.query<{ on_scene_proposed_at: Date }>(`SELECT on_scene_proposed_at FROM unit_assignments WHERE id = $1`, [assignment.id]);
    expect(a.on_scene_proposed_at.toISOString()).toBe(near);
    // On the occurrence's timeline, through the log.
    const timeline = await api.http().get(`/api/v1/occurrences/${occurrenceId}`).set('authorization', api.auth('operator'));
    expect(JSON.stringify(timeline.body)).toContain('UNIT_ON_SCENE_PROPOSED');
  });

  it('with the units API: dispatched by an operator, the unit drives in, the geofence proposes, the agent confirms at the proposal time', async () => {
    const op = (method: 'get' | 'post', url: string, who: TestIdentity = 'operator') => api.http()[method](url).set('authorization', api.auth(who));
    const created = await op('post', '/api/v1/occurrences').send({ category: 'FIRE_BUILDING', location: PLACES.paranhos, description: 'Fumo num prédio' });
    expect(created.status).toBe(201);
    const occurrenceId: string = created.body.id;
    const u = await unit('FLOW', 'FIRE', 'ENGINE', PLACES.santaCatarina);
    const assigned = await op('post', `/api/v1/occurrences/${occurrenceId}/units`).send({ unitIds: [u.id] });
    expect(assigned.status).toBe(201);
    const assignmentId: string = assigned.body[0].id;
    const agent = await openConsole(urlB, 'fireAgent');
    const events: string[] = [];
    agent.socket.on('occurrence:event', (e) => {
      if (e.event.occurrenceId === occurrenceId) events.push(e.event.type);
    });
    // From Santa Catarina towards Costa Cabral: ~3 km, then ~60 m, over MQTT.
    const [t1, t2] = [fixAt(20), fixAt(10)];
    await publish(gateway, u.code, { lat: 41.1600, lon: -8.6050, at: t1, speedKmh: 50, headingDeg: 0 });
    await publish(gateway, u.code, { lat: 41.1784, lon: -8.6046, at: t2, speedKmh: 20, headingDeg: 10 });
    await agent.waitFor(u.id, t2);
    await until(() => (events.includes('UNIT_ON_SCENE_PROPOSED') ? true : undefined), 'the proposal on the agent\'s feed');
    const detail = await op('get', `/api/v1/occurrences/${occurrenceId}`, 'fireAgent');
    const mine = (detail.body.units as Array<{ id: string; onSceneProposedAt: string | null; onSceneAt: string | null }>).find((a) => a.id === assignmentId);
    expect(mine).toMatchObject({ onSceneProposedAt: t2, onSceneAt: null });
    const confirmed = await op('post', `/api/v1/occurrences/${occurrenceId}/units/${assignmentId}/on-scene`, 'fireAgent').send({});
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ onSceneProposedAt: t2, onSceneAt: t2, unitStatus: 'ON_SCENE' });
    // On scene: further fixes near it propose nothing more.
    const t3 = fixAt(5);
    await publish(gateway, u.code, { lat: 41.1780, lon: -8.6045, at: t3 });
    await agent.waitFor(u.id, t3);
    expect((await api.db.query(`SELECT count(*)::int AS n FROM occurrence_events WHERE occurrence_id = $1 AND type = 'UNIT_ON_SCENE_PROPOSED'`, [occurrenceId])).rows[0].n).toBe(1);
  });

  it('trail: the fixes of a window, oldest first, scoped like the unit', async () => {
    const u = units.HTTP1;
    const res = await api.http().get(`/api/v1/units/${u.id}/trail`).set('authorization', api.auth('fireAgent'));
    expect(res.status).toBe(200);
    expect(res.body.unitId).toBe(u.id);
    expect(res.body.points.map((p: { at: string }) => p.at)).toEqual(await history(u.id));
    expect(res.body.points[0]).toEqual({ lat: 41.1496, lon: -8.6063, at: res.body.points[0].at, speedKmh: 30, headingDeg: 90 });
    expect((await api.http().get(`/api/v1/units/${u.id}/trail`).set('authorization', api.auth('viewer'))).status).toBe(200);
    expect((await api.http().get(`/api/v1/units/${u.id}/trail`).set('authorization', api.auth('mobilityAgent'))).status).toBe(404);
    const from = new Date(Date.now() - 3600_000).toISOString();
    const bad = await api.http().get(`/api/v1/units/${u.id}/trail`).query({ from, to: new Date(Date.now() - 7200_000).toISOString() }).set('authorization', api.auth('operator'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe('from');
    const long = await api.http().get(`/api/v1/units/${u.id}/trail`).query({ from: new Date(Date.now() - 30 * 3600_000).toISOString() }).set('authorization', api.auth('operator'));
    expect(long.status).toBe(400);
    const empty = await api.http().get(`/api/v1/units/${u.id}/trail`).query({ from: new Date(Date.now() - 20 * 3600_000).toISOString(), to: new Date(Date.now() - 19 * 3600_000).toISOString() }).set('authorization', api.auth('operator'));
    expect(empty.body.points).toEqual([]);
  });

  it('retention: positions older than UNIT_POSITION_RETENTION_DAYS are pruned, newer ones stay', async () => {
    const u = await unit('OLD', 'FIRE', 'TANKER');
    await api.db.query(
      `INSERT INTO unit_positions (unit_id, at, position, transport) VALUES
         ($1, now() - interval '31 days', ST_SetSRID(ST_MakePoint(-8.61, 41.15), 4326)::geography, 'http'),
         ($1, now() - interval '29 days', ST_SetSRID(ST_MakePoint(-8.61, 41.15), 4326)::geography, 'mqtt')`,
      [u.id],
    );
    const deleted = await api.app.get(UnitPositionRetentionJob).prune();
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect((await history(u.id)).length).toBe(1);
    expect(await api.count(`unit_positions WHERE at < now() - interval '30 days'`)).toBe(0);
  });
});
