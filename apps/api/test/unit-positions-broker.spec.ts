import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { UNIT_POSITION_TOPIC } from '@cgi/shared';
import { startApi, type ApiHarness } from '../../../test/support/api-harness';
import { mqttClient, PrivateBroker } from '../../../test/support/mqtt-broker';
import { freePort } from './live/support/live-cluster';

/**
 * The broker as a dependency that fails: infra/mosquitto.sh on a broker of the test's own
 * (its own directory and port), the API connected to it, the broker killed and started again.
 */
describe('AVL: the MQTT broker goes away and comes back', () => {
  let dir: string;
  let broker: PrivateBroker;
  let api: ApiHarness;
  const clients: MqttClient[] = [];

  const mqttState = async (): Promise<{ status: string; mqtt?: string; code: number }> => {
    const r = await api.http().get('/health/ready');
    return { status: r.body.status, mqtt: r.body.checks.mqtt, code: r.status };
  };
  async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
    for (let i = 0; ; i++) {
      const v = await check();
      if (v !== undefined) return v;
      if (i > 600) throw new Error(`still waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cgi-broker-'));
    broker = PrivateBroker.start(join(dir, 'mosquitto'), await freePort());
    const c = broker.credentials();
    api = await startApi({
      MQTT_URL: c.MQTT_URL,
      MQTT_USERNAME: c.MQTT_USERNAME,
      MQTT_PASSWORD: c.MQTT_PASSWORD,
      UNIT_POSITION_PRUNE_CRON: 'off',
      RETENTION_JOB_CRON: 'off',
    });
    await api.app.listen(0, '127.0.0.1');
  }, 60000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync().catch(() => undefined)));
    await api?.close();
    try {
      broker?.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30000);

  it('infra/mosquitto.sh: private files, idempotent, credentials kept, a taken port refused', () => {
    const c = broker.credentials();
    expect(c.MQTT_URL).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(c.MQTT_PASSWORD).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(c.MQTT_GATEWAY_PASSWORD).not.toBe(c.MQTT_PASSWORD);
    for (const f of ['credentials.env', 'passwd', 'acl', 'mosquitto.conf']) expect(statSync(join(broker.dir, f)).mode & 0o077).toBe(0);
    broker.script();
    expect(broker.credentials()).toEqual(c);
    // Another checkout (another directory) on the same port: refused with a message, nothing started.
    let message = '';
    try {
      execFileSync('bash', ['infra/mosquitto.sh'], {
        cwd: join(__dirname, '..', '..', '..'),
        env: { ...process.env, MOSQUITTO_DIR: join(dir, 'other'), MOSQUITTO_PORT: String(broker.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      message = String((err as { stderr?: Buffer }).stderr);
    }
    expect(message).toContain(`127.0.0.1:${broker.port} is taken by another process`);
  });

  it('readiness says degraded (200) while the broker is away; the consumer reconnects, subscribes again and stores what comes after', async () => {
    await until(async () => ((await mqttState()).mqtt === 'up' ? true : undefined), 'the consumer to subscribe');
    const { rows: [u] } = await api.db.query<{ id: string; code: string }>(
      `INSERT INTO units (code, callsign, department, kind, home_base) VALUES ('FLT-VUCI-01', 'FLT 01', 'FIRE', 'ENGINE', ST_SetSRID(ST_MakePoint(-8.61, 41.15), 4326)::geography) RETURNING id, code`,
    );
    const c = broker.credentials();
    const at = (s: number): string => new Date(Math.floor(Date.now() / 1000) * 1000 - s * 1000).toISOString();
    const lastFix = async (): Promise<string | undefined> =>
      (await api.db.query<{ position_at: Date | null }>(`SELECT position_at FROM units WHERE id = $1`, [u.id])).rows[0].position_at?.toISOString();

    const before = at(3);
    const gw = await mqttClient(c.MQTT_URL, c.MQTT_GATEWAY_USERNAME, c.MQTT_GATEWAY_PASSWORD);
    await gw.publishAsync(UNIT_POSITION_TOPIC(u.code), JSON.stringify({ lat: 41.15, lon: -8.61, at: before }), { qos: 1 });
    await gw.endAsync();
    await until(async () => ((await lastFix()) === before ? true : undefined), 'the fix before the crash');

    broker.crash();
    expect(await until(async () => { const s = await mqttState(); return s.mqtt === 'down' ? s : undefined; }, 'readiness to see the broker gone')).toEqual({
      status: 'degraded',
      mqtt: 'down',
      code: 200,
    });
    // Other requests are served meanwhile.
    expect((await api.http().get(`/api/v1/units/${u.id}/trail`).set('authorization', api.auth('operator'))).status).toBe(200);

    broker.script();
    await until(async () => ((await mqttState()).mqtt === 'up' ? true : undefined), 'the consumer to reconnect and subscribe');
    expect((await mqttState()).status).toBe('ok');
    const after = at(1);
    const gw2 = await mqttClient(c.MQTT_URL, c.MQTT_GATEWAY_USERNAME, c.MQTT_GATEWAY_PASSWORD);
    clients.push(gw2);
    await gw2.publishAsync(UNIT_POSITION_TOPIC(u.code), JSON.stringify({ lat: 41.151, lon: -8.611, at: after }), { qos: 1 });
    await until(async () => ((await lastFix()) === after ? true : undefined), 'the fix after the restart');
    const history = (await api.db.query<{ at: Date }>(`SELECT at FROM unit_positions WHERE unit_id = $1 ORDER BY at`, [u.id])).rows.map((r) => r.at.toISOString());
    expect(history).toEqual([before, after]);
  });
});
