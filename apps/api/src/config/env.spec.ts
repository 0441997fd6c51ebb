import { InvalidEnvironmentError, validateEnv } from './env';

const VALID = { JWT_SECRET: 'x'.repeat(32) };

describe('environment validation at boot', () => {
  it('applies defaults and converts numbers', () => {
    const env = validateEnv({ ...VALID, PORT: '4000' });
    expect(env.PORT).toBe(4000);
    expect(env.DATABASE_URL).toMatch(/^postgres:/);
    expect(env.BODY_LIMIT_BYTES).toBe(256 * 1024);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ MQTT_URL: 'tcp://127.0.0.1:1884' }, 'MQTT_URL'],
    [{ MQTT_SHARE_GROUP: 'cgi/api' }, 'MQTT_SHARE_GROUP'],
    [{ UNIT_POSITION_RETENTION_DAYS: '0' }, 'UNIT_POSITION_RETENTION_DAYS'],
  ])('refuses %j naming %s', (bad, variable) => {
    expect(() => validateEnv({ ...VALID, ...bad })).toThrow(InvalidEnvironmentError);
    expect(() => validateEnv({ ...VALID, ...bad })).toThrow(new RegExp(`\\b${variable}\\b`));
  });

  it('runs no MQTT consumer unless MQTT_URL is set; keeps AVL history 30 days by default', () => {
    const env = validateEnv(VALID);
    expect(env.MQTT_URL).toBeUndefined();
    expect(env.MQTT_SHARE_GROUP).toBe('cgi-api');
    expect(env.UNIT_POSITION_RETENTION_DAYS).toBe(30);
    expect(validateEnv({ ...VALID, MQTT_URL: 'mqtt://127.0.0.1:1884' }).MQTT_URL).toBe('mqtt://127.0.0.1:1884');
  });

  it('requires JWT_SECRET', () => {
    expect(() => validateEnv({})).toThrow(/JWT_SECRET/);
  });
});
