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
    // JIT off: these are short OLTP statements, and a batched intake read whose estimated cost
    // crossed jit_above_cost spent 15-60 ms compiling to run in 0.2 ms (docs/benchmarks.md).
    extra: { max: poolSize, idleTimeoutMillis: 0, options: '-c idle_in_transaction_session_timeout=60000 -c jit=off' },
  };
}
