import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { OccurrenceDetail } from '@cgi/shared';
import { EventLogService } from '../src/events/event-log.service';
import { START_POSITION } from '../src/events/event-position';
import { LiveFeedRepository } from '../src/live/live-feed.repository';
import { LiveRelayService } from '../src/live/live-relay.service';
import { INTAKE_CONTEXT_SQL } from '../src/occurrences/occurrence-intake.service';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';
import { captureStatements, planProblems, seedHistory, type StatementCapture } from '../../../test/support/statement-plans';

/**
 * ADR 0015: the statements of intake, commands and the live feed keep cheap, indexed plans on a
 * server as it ships (JIT on, jit_above_cost 100,000), in the generic plan a pooled connection
 * settles on. They are collected while the real API runs them, on a database with a history.
 */
/** 300 assets whose faults opened a tenth of the seeded occurrences, with their status history, analyzed. */
async function seedAssetHistory(db: Client): Promise<void> {
  await db.query(
    `INSERT INTO assets (code, kind, name, department, location, synthetic)
     SELECT 'SEED-' || g, (ARRAY['CAMERA','TRAFFIC_LIGHT','BOLLARD'])[1 + g % 3], 'seed ' || g, 'MOBILITY',
            ST_SetSRID(ST_MakePoint(-8.66 + (g % 20) * 0.004, 41.14 + (g / 20) * 0.004), 4326)::geography, true
       FROM generate_series(1, 300) g`,
  );
  await db.query(
    `INSERT INTO asset_occurrences (asset_id, occurrence_id, opened_by_status, created_at)
     SELECT (SELECT id FROM assets WHERE code = 'SEED-' || (1 + o.n % 300)), o.id, 'FAULT', o.created_at
       FROM (SELECT id, created_at, row_number() OVER (ORDER BY id) AS n FROM occurrences WHERE reference LIKE 'SEED/%') o
      WHERE o.n % 10 = 0`,
  );
  await db.query(
    `INSERT INTO asset_status_history (asset_id, status, source, observed_at, actor)
     SELECT asset_id, s.status, 'SENSOR', created_at, 'seed' FROM asset_occurrences, (VALUES ('FAULT'), ('OK')) s(status)`,
  );
  await db.query(`ANALYZE assets; ANALYZE asset_occurrences; ANALYZE asset_status_history`);
}

describe('statement plans of intake, commands and the live feed, on a stock server', () => {
  let api: ApiHarness;
  let capture: StatementCapture;

  beforeAll(async () => {
    api = await startApi();
    await seedHistory(api.db);
    await seedAssetHistory(api.db);
    capture = captureStatements([api.db]);
  });
  afterAll(async () => {
    capture.stop();
    await api.close();
  });

  const post = (body: object, key?: string) => {
    const req = api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'));
    return (key ? req.set('idempotency-key', key) : req).send(body);
  };
  const cmd = (id: string, action: string, who: TestIdentity, body: object = {}) =>
    api.http().post(`/api/v1/occurrences/${id}/${action}`).set('authorization', api.auth(who)).send(body);
  const report = { category: 'FALLEN_TREE', location: PLACES.santaCatarina, description: 'Árvore caída' };

  it('every connection of the API, the live relay\'s too, runs with JIT off and plans for the tables as they are', async () => {
    const ds = api.app.get<DataSource>(getDataSourceToken());
    expect((await ds.query(`SHOW jit`))[0].jit).toBe('off');
    expect((await ds.query(`SHOW plan_cache_mode`))[0].plan_cache_mode).toBe('force_custom_plan');
    const relay = api.app.get(LiveRelayService);
    for (let i = 0; i < 100 && !relay.leading; i++) await new Promise((r) => setTimeout(r, 50));
    const client = (relay as unknown as { client: Client | null }).client;
    expect(client).not.toBeNull();
    expect((await client!.query(`SHOW jit`)).rows[0].jit).toBe('off');
    expect((await client!.query(`SHOW plan_cache_mode`)).rows[0].plan_cache_mode).toBe('force_custom_plan');
  });

  it('the intake read is far below jit_above_cost in its generic plan', async () => {
    expect(await planProblems(api.env.DATABASE_URL, [INTAKE_CONTEXT_SQL])).toEqual([]);
  });

  it('no statement run by intake, commands or the live feed is JIT-compiled or scans a growing table', async () => {
    // Intake: one at a time, a batch (with keys, and a replay), a citizen report and its duplicate, a preview, a refusal.
    expect((await post(report)).status).toBe(201);
    const batch = await Promise.all(Array.from({ length: 12 }, (_, i) => post({ ...report, description: `Lote ${i}` }, `plans-${i}`)));
    expect(batch.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect((await post(report, 'plans-0')).headers['idempotent-replayed']).toBe('true');
    const citizen = { ...report, source: 'CITIZEN', location: PLACES.paranhos, reporter: { name: 'Ana', phone: '+351910000000' } };
    expect((await post(citizen)).status).toBe(201);
    expect((await post(citizen)).status).toBe(201);
    expect((await post({ ...report, location: PLACES.atlantic })).status).toBe(400);
    expect((await api.http().post('/api/v1/occurrences/routing-preview').set('authorization', api.auth('operator')).send(report)).status).toBe(200);

    // Commands: the whole lifecycle, an override, a merge and an unmerge, a note.
    const created = async (): Promise<OccurrenceDetail> => (await post({ ...report, source: 'CITIZEN', location: PLACES.campanha })).body;
    const a = await created();
    expect((await cmd(a.id, 'triage', 'operator')).status).toBe(200);
    expect((await cmd(a.id, 'dispatch', 'operator')).status).toBe(200);
    expect((await cmd(a.id, 'acknowledge', 'civilProtectionAgent')).status).toBe(200);
    expect((await cmd(a.id, 'on-scene', 'civilProtectionAgent')).status).toBe(200);
    expect((await cmd(a.id, 'resolve', 'civilProtectionAgent', { note: 'feito', publicNote: 'Resolvido.' })).status).toBe(200);
    expect((await cmd(a.id, 'reopen', 'operator', { reason: 'ainda lá está' })).status).toBe(200);
    expect((await cmd(a.id, 'dispatch', 'operator')).status).toBe(200);
    expect((await cmd(a.id, 'acknowledge', 'civilProtectionAgent')).status).toBe(200);
    expect((await cmd(a.id, 'resolve', 'civilProtectionAgent', { note: 'feito' })).status).toBe(200);
    expect((await cmd(a.id, 'close', 'operator')).status).toBe(200);
    const b = (await post(report)).body as OccurrenceDetail;
    expect((await cmd(b.id, 'routing-override', 'supervisor', { lead: 'FIRE', support: ['CIVIL_PROTECTION'], priority: 'P1', reason: 'linha elétrica' })).status).toBe(200);
    expect((await cmd(b.id, 'notes', 'operator', { text: 'nota' })).status).toBe(201);
    const c = (await post({ ...report, description: 'A mesma árvore' })).body as OccurrenceDetail;
    expect((await cmd(c.id, 'merge', 'operator', { parentId: b.id, reason: 'a mesma' })).status).toBe(200);
    expect((await cmd(c.id, 'unmerge', 'operator')).status).toBe(200);
    expect((await cmd(c.id, 'cancel', 'operator', { reason: 'engano' })).status).toBe(200);

    // Assets (issue 15): a fault opening its occurrence, a repeat linked, back to OK; the registry, a detail, nearby assets.
    const asAdmin = (method: 'post' | 'get', url: string) => api.http()[method](`/api/v1${url}`).set('authorization', api.auth('admin'));
    const light = (await asAdmin('post', '/assets').send({ code: 'PLAN-SEM-1', kind: 'TRAFFIC_LIGHT', name: 'Plano', department: 'MOBILITY', location: PLACES.santaCatarina })).body as { id: string };
    for (const status of ['FAULT', 'FAULT', 'OFFLINE', 'OK']) expect((await asAdmin('post', `/assets/${light.id}/status`).send({ status })).status).toBe(200);
    expect((await asAdmin('get', '/assets?layer=TRAFFIC_LIGHT')).status).toBe(200);
    expect((await asAdmin('get', `/assets/${light.id}`)).status).toBe(200);
    expect((await api.http().get(`/api/v1/occurrences/${b.id}/assets`).set('authorization', api.auth('operator'))).status).toBe(200);

    // The live feed: the relay (running) and what a socket's catch-up reads.
    const feed = api.app.get(LiveFeedRepository);
    const log = api.app.get(EventLogService);
    const events = await log.readAfter(START_POSITION, 500);
    expect(events.length).toBeGreaterThan(0);
    await feed.withViews(events);
    await log.readAfter(START_POSITION, 500, ['FIRE']);
    await feed.head();
    await feed.checkpoint();

    const statements = capture.statements();
    expect(statements).toContain(INTAKE_CONTEXT_SQL);
    expect(statements.length).toBeGreaterThan(20);
    expect(await planProblems(api.env.DATABASE_URL, statements)).toEqual([]);
  });
});
