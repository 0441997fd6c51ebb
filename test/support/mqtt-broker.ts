import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  const fromFile = Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;
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
