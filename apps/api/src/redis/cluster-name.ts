import { createHash } from 'node:crypto';

/**
 * A name for the Redis channels and streams of one deployment, from its database: the API
 * nodes of one deployment talk, others sharing the Redis (tests, other sites) do not.
 */
export function clusterName(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  const id = createHash('sha256').update(`${u.hostname}:${u.port}${u.pathname}`).digest('hex').slice(0, 12);
  return `cgi-live:${id}`;
}
