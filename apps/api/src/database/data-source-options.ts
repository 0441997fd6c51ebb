import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export { MIGRATIONS };

/** TypeORM options shared by the API, the worker, the migration command and the tests. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    entities: [],
    // node-postgres closes idle pooled connections after 10 s by default, which shows up
    // as p99 stalls under bursty load (docs/benchmarks.md): keep them.
    // A transaction left open holds back every event-log reader (ADR 0002): end it after 60 s.
    extra: { max: poolSize, idleTimeoutMillis: 0, options: '-c idle_in_transaction_session_timeout=60000' },
  };
}
