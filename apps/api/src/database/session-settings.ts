import type { ClientConfig } from 'pg';

/**
 * The settings every connection of the API and the worker runs with — TypeORM's pools, the live
 * relay's and the outbox relay's dedicated clients — so that what the hot paths cost does not
 * depend on how the server was configured (ADR 0015):
 * - `jit = off`: these are short OLTP statements. A plan whose estimate crosses the server's
 *   `jit_above_cost` (100,000 by default) is compiled on every execution, 20-290 ms to run a
 *   statement that takes under 1 ms (docs/benchmarks.md). The statements are also written to
 *   stay far below that cost in their generic plan (apps/api/test/prepared-plans.spec.ts).
 * - `plan_cache_mode = force_custom_plan`: every execution is planned for the tables as they are
 *   then. A generic plan is built once per connection and kept until the table's statistics
 *   change; with autovacuum off, or before it runs, a plan built when `occurrences` was empty (a
 *   fresh deploy, the first reports) kept a sequential scan of it for the connection's life —
 *   measured: the intake read scanning every occurrence on each batch, intake at 50/s going from
 *   p50 5 ms to 43 ms as the table grew, saturation falling from 1,117 to 456 reports/s. Planning
 *   these statements costs well under a millisecond, and their generic plans are kept cheap and
 *   indexed too (apps/api/test/prepared-plans.spec.ts), in case a connection runs without this.
 * - `idle_in_transaction_session_timeout = 60 s`: a transaction left open holds back every
 *   event-log reader (ADR 0002).
 */
export const SESSION_SETTINGS: Readonly<Record<string, string>> = {
  jit: 'off',
  plan_cache_mode: 'force_custom_plan',
  idle_in_transaction_session_timeout: '60000',
};

/** SESSION_SETTINGS as libpq's `options` startup parameter. */
export const SESSION_OPTIONS = Object.entries(SESSION_SETTINGS)
  .map(([name, value]) => `-c ${name}=${value}`)
  .join(' ');

/** The configuration of a dedicated pg.Client: the database URL and the session settings. */
export function pgClientConfig(url: string, extra: Omit<ClientConfig, 'connectionString' | 'options'> = {}): ClientConfig {
  return { ...extra, connectionString: url, options: SESSION_OPTIONS };
}
