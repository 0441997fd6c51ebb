import type { RedisOptions } from 'ioredis';

/** ioredis options from a redis:// URL, as BullMQ wants them (no retry limit per request). */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    // Reconnect fast after an outage: escalations due meanwhile must fire within seconds.
    retryStrategy: (times) => Math.min(times * 100, 1000),
  };
}
