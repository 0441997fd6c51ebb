/** Where a Redis server is and how to log in, as ioredis and BullMQ take it. */
export interface RedisEndpoint {
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  db: number;
  /** Set (empty: the system's CAs) for `rediss://`. */
  tls: Record<string, never> | undefined;
}

/** The endpoint of a `redis://` or `rediss://` URL (user, password and database number from it). */
export function redisEndpoint(url: string): RedisEndpoint {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}
