import { createServer } from 'node:net';
import { Client } from 'pg';
import { QueryFailedError } from 'typeorm';
import { serverUrl } from '../../../../test/support/database';
import { isDatabaseUnavailable, isUniqueViolation } from './pg-errors';

/** Real errors of node-postgres, as the API meets them when PostgreSQL goes away (and when it does not). */
describe('isDatabaseUnavailable', () => {
  async function failure(run: (c: Client) => Promise<unknown>, url = serverUrl()): Promise<unknown> {
    const c = new Client({ connectionString: url });
    c.on('error', () => undefined);
    try {
      await run(c);
    } catch (err) {
      return err;
    } finally {
      await c.end().catch(() => undefined);
    }
    throw new Error('expected a failure');
  }

  it('is true when nothing listens on the port (ECONNREFUSED)', async () => {
    // A port that was free a moment ago.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address() as { port: number };
        srv.close(() => resolve(p));
      });
    });
    const err = await failure((c) => c.connect(), `postgres://postgres@127.0.0.1:${port}/postgres`);
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('is true when the server ends the session (57P01 admin_shutdown), raw or wrapped by TypeORM', async () => {
    const err = await failure(async (c) => {
      await c.connect();
      await c.query('SELECT pg_terminate_backend(pg_backend_pid())');
    });
    expect((err as { code?: string }).code).toBe('57P01');
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], err as Error))).toBe(true);
  });

  it('is true for a query on a connection that is gone', async () => {
    const err = await failure(async (c) => {
      await c.connect();
      await c.query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
      await c.query('SELECT 1');
    });
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('is false for what the request got wrong, and for anything else', async () => {
    const syntax = await failure(async (c) => {
      await c.connect();
      await c.query('SELEC 1');
    });
    const unique = await failure(async (c) => {
      await c.connect();
      await c.query('CREATE TEMP TABLE t (k int PRIMARY KEY)');
      await c.query('INSERT INTO t VALUES (1), (1)');
    });
    expect(isUniqueViolation(unique)).toBe(true);
    for (const err of [syntax, unique, new QueryFailedError('SELECT 1', [], syntax as Error), new Error('boom'), null, 'x', { code: 42 }]) {
      expect(isDatabaseUnavailable(err)).toBe(false);
    }
  });
});
