import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { run } from './shell';
import { ROOT } from './stack';

/** The project's Mosquitto (infra/mosquitto.sh): its URL and the users the API and the AVL gateway log in as. */
export interface Broker {
  url: string;
  api: { username: string; password: string };
  gateway: { username: string; password: string };
  dir: string;
}

const DIR = join(ROOT, 'var', 'mosquitto');

/** Starts the project's broker when it is not running (infra/mosquitto.sh is idempotent) and reads its credentials. */
export async function projectBroker(): Promise<Broker> {
  const script = join(ROOT, 'infra', 'mosquitto.sh');
  if (existsSync(script)) await run('bash', [script], { cwd: ROOT });
  const file = join(DIR, 'credentials.env');
  if (!existsSync(file)) throw new Error(`${file} is missing: the project's broker is not set up (npm run services)`);
  const e = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  for (const k of ['MQTT_URL', 'MQTT_USERNAME', 'MQTT_PASSWORD', 'MQTT_GATEWAY_USERNAME', 'MQTT_GATEWAY_PASSWORD']) {
    if (!e[k]) throw new Error(`${k} is missing from ${file}`);
  }
  return {
    url: e.MQTT_URL,
    api: { username: e.MQTT_USERNAME, password: e.MQTT_PASSWORD },
    gateway: { username: e.MQTT_GATEWAY_USERNAME, password: e.MQTT_GATEWAY_PASSWORD },
    dir: DIR,
  };
}

/** The broker's version and the settings of its configuration file that bear on throughput (no secrets). */
export async function brokerSettings(broker: Broker): Promise<{ version: string; settings: string[] }> {
  const version = (await run('dpkg-query', ['-W', '-f=${Version}', 'mosquitto']).catch(() => '?')).trim();
  const settings: string[] = [];
  const files = existsSync(broker.dir) ? readdirSync(broker.dir).filter((f) => f.endsWith('.conf')) : [];
  for (const f of files) {
    for (const line of readFileSync(join(broker.dir, f), 'utf8').split('\n')) {
      const l = line.trim();
      if (!l || l.startsWith('#') || /password|passwd|psk/i.test(l.split(/\s+/)[0])) continue;
      settings.push(l.replace(ROOT, '.'));
    }
  }
  return { version, settings };
}

/** Settings of Redis as installed that bear on the live path. */
export async function redisSettings(): Promise<string[]> {
  const out: string[] = [];
  for (const k of ['appendonly', 'appendfsync', 'save', 'maxmemory', 'maxmemory-policy', 'io-threads']) {
    const v = (await run('redis-cli', ['CONFIG', 'GET', k]).catch(() => '')).trim().split('\n');
    if (v.length >= 2) out.push(`${k} ${v.slice(1).join(' ') || '""'}`);
  }
  return out;
}
