import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { PLACES, startApi, type ApiHarness } from '../../../test/support/api-harness';
import { captureStatements, planProblems, seedHistory, type StatementCapture } from '../../../test/support/statement-plans';
import { validateWorkerEnv } from '../src/config/worker-env';
import { createWorker } from '../src/main';
import { OutboxRelayService } from '../src/relay/outbox-relay.service';
import { waitFor } from './support/worker-process';

/**
 * ADR 0015, the worker's side: every statement the worker runs — the outbox relay, deadline
 * timers and batches, notifications and their webhook, ALERT proposals, the auditor — keeps a
 * cheap, indexed generic plan on a server as it ships, and its connections run with JIT off.
 * The worker runs in this process (so its statements can be collected) on the real database and
 * Redis (a queue prefix of its own), with SLAs shortened so that deadlines fall due at once.
 */
describe('statement plans of the escalation worker, on a stock server', () => {
  let api: ApiHarness;
  let worker: NestFastifyApplication;
  let capture: StatementCapture;
  let hooks: Server;

  beforeAll(async () => {
    hooks = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    api = await startApi({ SLA_TIME_SCALE: '0.002' });
    await seedHistory(api.db);
    capture = captureStatements([api.db]);
    worker = await createWorker(validateWorkerEnv({
      NODE_ENV: 'test',
      DATABASE_URL: api.env.DATABASE_URL,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `plans-${randomBytes(4).toString('hex')}`,
      RELAY_POLL_MS: '100',
      AUDIT_INTERVAL_MS: '500',
      JOB_BACKOFF_MS: '100',
      WEBHOOK_URL: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks`,
      WEBHOOK_SECRET: 'webhook-secret-for-tests-0123456789',
      LOG_LEVEL: 'silent',
    }));
    await worker.init();
  }, 60_000);
  afterAll(async () => {
    capture.stop();
    await worker.close();
    await api.close();
    hooks.close();
  });

  it('runs every connection with JIT off and custom plans, the outbox relay\'s too', async () => {
    const ds = worker.get<DataSource>(getDataSourceToken());
    expect((await ds.query(`SHOW jit`))[0].jit).toBe('off');
    expect((await ds.query(`SHOW plan_cache_mode`))[0].plan_cache_mode).toBe('force_custom_plan');
    const relay = worker.get(OutboxRelayService);
    await waitFor('the outbox relay to lead', async () => relay.isLeader() || null, 10_000, 50);
    const client = (relay as unknown as { client: Client | null }).client;
    expect((await client!.query(`SHOW jit`)).rows[0].jit).toBe('off');
    expect((await client!.query(`SHOW plan_cache_mode`)).rows[0].plan_cache_mode).toBe('force_custom_plan');
  });

  it('no statement of the worker is JIT-compiled or scans a growing table', async () => {
    // Fires and fallen trees in one parish: deadlines escalate, notifications go out, an ALERT proposal is made.
    const ids: string[] = [];
    for (const [i, category] of ['FIRE_BUILDING', 'FALLEN_TREE', 'FALLEN_TREE', 'FIRE_BUILDING', 'FALLEN_TREE', 'FALLEN_TREE', 'FALLEN_TREE'].entries()) {
      const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
        .send({ category, location: PLACES.santaCatarina, description: `Ocorrência ${i}` });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    let last: unknown;
    await waitFor('escalations, a webhook delivery and a proposal', async () => {
      const { rows: [r] } = await api.db.query<{ escalated: number; delivered: number; proposals: number }>(
        `SELECT (SELECT count(*)::int FROM occurrence_events WHERE type = 'ESCALATED' AND occurrence_id = ANY($1::uuid[])) AS escalated,
                (SELECT count(*)::int FROM notifications WHERE occurrence_id = ANY($1::uuid[]) AND delivered_at IS NOT NULL) AS delivered,
                (SELECT count(*)::int FROM operational_level_proposals) AS proposals`,
        [ids],
      );
      last = r;
      return r.escalated >= 6 && r.delivered > 0 && r.proposals > 0 ? r : null;
    }, 20_000, 100).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(last)}`);
    });
    const statements = capture.statements();
    expect(statements.length).toBeGreaterThan(10);
    expect(await planProblems(api.env.DATABASE_URL, statements)).toEqual([]);
  }, 40_000);
});
