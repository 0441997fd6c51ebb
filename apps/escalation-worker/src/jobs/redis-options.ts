import type { RedisOptions } from 'ioredis';
import { redisEndpoint } from '@cgi/shared';

/** ioredis options from a redis:// URL, as BullMQ wants them (no retry limit per request). */
export function redisOptions(url: string): RedisOptions {
  return {
    ...redisEndpoint(url),
    maxRetriesPerRequest: null,
    // Reconnect fast after an outage: escalations due meanwhile must fire within seconds.
    retryStrategy: (times) => Math.min(times * 100, 1000),
  };
}
