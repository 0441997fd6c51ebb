import type { EntityManager } from 'typeorm';
import type { Pool, PoolClient, QueryConfig } from 'pg';

/**
 * Runs `sql` as a named prepared statement: PostgreSQL parses and plans it once per connection
 * instead of on every call (planning the intake's statements cost more than running them,
 * docs/benchmarks.md). For the hot paths only, with constant SQL text per `name`. Inside a
 * transaction (`m.queryRunner` set) it runs on the transaction's connection; otherwise on the pool.
 */
export async function queryPrepared<T>(m: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const config: QueryConfig = { name, text, values };
  const runner = m.queryRunner;
  if (runner) {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query(config)).rows as T[];
  }
  const pool = (m.connection.driver as unknown as { master: Pool }).master;
  return (await pool.query(config)).rows as T[];
}
