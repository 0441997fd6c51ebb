import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

const REPO = join(__dirname, '..', '..');

/** The project broker's credentials (var/mosquitto/credentials.env, written by infra/mosquitto.sh); the environment wins. */
export interface BrokerCredentials {
  MQTT_URL: string;
  MQTT_USERNAME: string;
  MQTT_PASSWORD: string;
  MQTT_GATEWAY_USERNAME: string;
  MQTT_GATEWAY_PASSWORD: string;
}

export function brokerCredentials(): BrokerCredentials {
  const file = join(REPO, 'var', 'mosquitto', 'credentials.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no ${file}: start the project's MQTT broker first (bash infra/dev-services.sh, or bash infra/mosquitto.sh)`);
  }
  const fromFile = parseEnv(text) as Record<string, string>;
  const pick = (k: keyof BrokerCredentials): string => {
    const v = process.env[k] ?? fromFile[k];
    if (!v) throw new Error(`${k} missing in ${file}`);
    return v;
  };
  return {
    MQTT_URL: pick('MQTT_URL'),
    MQTT_USERNAME: pick('MQTT_USERNAME'),
    MQTT_PASSWORD: pick('MQTT_PASSWORD'),
    MQTT_GATEWAY_USERNAME: pick('MQTT_GATEWAY_USERNAME'),
    MQTT_GATEWAY_PASSWORD: pick('MQTT_GATEWAY_PASSWORD'),
  };
}

/** Creates (or re-keys) the vehicle user named by a unit code on the project broker; answers its password. */
export function vehicleUser(code: string): string {
  return execFileSync('bash', [join(REPO, 'infra', 'mosquitto.sh'), 'vehicle', code], { encoding: 'utf8' }).trim();
}

/** An MQTT v5 client (so a publish the ACL refuses fails with reason 135 instead of vanishing). */
export function mqttClient(url: string, username: string, password: string, extra: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(url, { username, password, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000, ...extra });
}

/**
 * A broker of the test's own, made by infra/mosquitto.sh itself (another MOSQUITTO_DIR and port),
 * for tests that stop and start it: the project broker other tests use is never disturbed.
 */
export class PrivateBroker {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static start(dir: string, port: number): PrivateBroker {
    const b = new PrivateBroker(dir, port);
    b.script();
    return b;
  }

  /** Runs infra/mosquitto.sh for this broker (no argument: ensure it runs). */
  script(...args: string[]): string {
    return execFileSync('bash', [join(REPO, 'infra', 'mosquitto.sh'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, MOSQUITTO_DIR: this.dir, MOSQUITTO_PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  }

  credentials(): BrokerCredentials {
    const text = readFileSync(join(this.dir, 'credentials.env'), 'utf8');
    const kv = parseEnv(text) as unknown as BrokerCredentials;
    return kv;
  }

  /** kill -9, as a crash. */
  crash(): void {
    const pid = Number(readFileSync(join(this.dir, 'mosquitto.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
  }

  stop(): void {
    this.script('stop');
  }
}
