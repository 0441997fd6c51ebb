import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { SESSION_OPTIONS } from './session-settings';

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
    // Every connection runs with the session settings of session-settings.ts (JIT off, ...).
    extra: { max: poolSize, idleTimeoutMillis: 0, options: SESSION_OPTIONS },
  };
}
