import type { OccurrenceDetail } from '@cgi/shared';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';
import { InvalidEnvironmentError, validateEnv } from '../src/config/env';

interface DeadlineRow {
  department: string;
  kind: string;
  level: string;
  due_at: Date;
  fired_at: Date | null;
  cancelled_at: Date | null;
  outcome: string | null;
}

const MIN = 60_000;

describe('escalation deadlines written at dispatch (governance.md §6)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const cmd = (id: string, action: string, who: TestIdentity, body: object = {}) =>
    api.http().post(`/api/v1/occurrences/${id}/${action}`).set('authorization', api.auth(who)).send(body);

  async function fire(): Promise<OccurrenceDetail> {
    const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category: 'FIRE_BUILDING', location: PLACES.santaCatarina, description: 'Incêndio num prédio' });
    expect(res.status).toBe(201);
    return res.body as OccurrenceDetail;
  }

  async function deadlines(id: string): Promise<DeadlineRow[]> {
    const { rows } = await api.db.query<DeadlineRow>(
      `SELECT department, kind, level, due_at, fired_at, cancelled_at, outcome FROM escalation_deadlines
        WHERE occurrence_id = $1 ORDER BY id`,
      [id],
    );
    return rows;
  }
  const pending = (rows: DeadlineRow[]) => rows.filter((r) => r.outcome === null);
  const ladder = (rows: DeadlineRow[], from: number) =>
    rows.map((r) => `${r.department} ${r.level} ${r.kind} +${(r.due_at.getTime() - from) / MIN}min`).sort();

  it('a P1 building fire gets the lead\'s ladder in the intake transaction: 2/4/6 min acknowledge, 10 min on scene, 4 h resolve', async () => {
    const o = await fire();
    const dispatchedAt = new Date(o.dispatchedAt!).getTime();
    const rows = await deadlines(o.id);
    expect(ladder(rows, dispatchedAt)).toEqual([
      'FIRE L1 ACKNOWLEDGE +2min',
      'FIRE L2 ACKNOWLEDGE +4min',
      'FIRE L2 ON_SCENE +10min',
      'FIRE L3 ACKNOWLEDGE +6min',
      'FIRE L3 RESOLVE +240min',
    ]);
    expect(pending(rows)).toHaveLength(5);
  });

  it('the lead\'s acknowledgement stops the acknowledge clock, on scene the on-scene one, resolve the rest; support changes nothing', async () => {
    const o = await fire();
    expect((await cmd(o.id, 'acknowledge', 'policeAgent')).status).toBe(200);
    expect(pending(await deadlines(o.id))).toHaveLength(5);
    expect((await cmd(o.id, 'acknowledge', 'fireAgent')).status).toBe(200);
    let rows = await deadlines(o.id);
    expect(pending(rows).map((r) => `${r.level} ${r.kind}`).sort()).toEqual(['L2 ON_SCENE', 'L3 RESOLVE']);
    expect(rows.filter((r) => r.kind === 'ACKNOWLEDGE').every((r) => r.outcome === 'MET' && r.cancelled_at !== null)).toBe(true);
    expect((await cmd(o.id, 'on-scene', 'fireAgent')).status).toBe(200);
    expect(pending(await deadlines(o.id)).map((r) => `${r.level} ${r.kind}`)).toEqual(['L3 RESOLVE']);
    expect((await cmd(o.id, 'resolve', 'fireAgent', { note: 'extinto' })).status).toBe(200);
    rows = await deadlines(o.id);
    expect(pending(rows)).toHaveLength(0);
    expect(rows.every((r) => r.outcome === 'MET')).toBe(true);
  });

  it('cancelling releases every pending deadline', async () => {
    const o = await fire();
    expect((await cmd(o.id, 'cancel', 'operator', { reason: 'falso alarme' })).status).toBe(200);
    const rows = await deadlines(o.id);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.outcome === 'RELEASED')).toBe(true);
  });

  it('a routing override to another lead supersedes the old ladder and starts the new lead\'s from now', async () => {
    const o = await fire();
    const res = await cmd(o.id, 'routing-override', 'supervisor', {
      lead: 'CIVIL_PROTECTION', support: ['FIRE'], priority: 'P1', reason: 'estrutura em risco',
    });
    expect(res.status).toBe(200);
    const rows = await deadlines(o.id);
    expect(rows.filter((r) => r.department === 'FIRE').every((r) => r.outcome === 'SUPERSEDED')).toBe(true);
    const cp = pending(rows);
    expect(cp).toHaveLength(5);
    expect(cp.every((r) => r.department === 'CIVIL_PROTECTION')).toBe(true);
    const { rows: [a] } = await api.db.query<{ assigned_at: Date }>(
      `SELECT assigned_at FROM occurrence_assignments WHERE occurrence_id = $1 AND department = 'CIVIL_PROTECTION'`, [o.id],
    );
    expect(ladder(cp, a.assigned_at.getTime())).toContain('CIVIL_PROTECTION L1 ACKNOWLEDGE +2min');
  });

  it('an override that keeps lead and priority keeps the clocks (deadlines are frozen); a new priority restarts them', async () => {
    const o = await fire();
    const before = await deadlines(o.id);
    expect((await cmd(o.id, 'routing-override', 'supervisor', { lead: 'FIRE', support: ['POLICE'], priority: 'P1', reason: 'sem proteção civil' })).status).toBe(200);
    expect(await deadlines(o.id)).toEqual(before);

    expect((await cmd(o.id, 'routing-override', 'supervisor', { lead: 'FIRE', support: [], priority: 'P2', reason: 'menos grave' })).status).toBe(200);
    const rows = await deadlines(o.id);
    expect(rows.slice(0, 5).every((r) => r.outcome === 'SUPERSEDED')).toBe(true);
    const p2 = pending(rows);
    const { rows: [a] } = await api.db.query<{ assigned_at: Date }>(
      `SELECT assigned_at FROM occurrence_assignments WHERE occurrence_id = $1 AND department = 'FIRE'`, [o.id],
    );
    expect(ladder(p2, a.assigned_at.getTime())).toEqual([
      'FIRE L1 ACKNOWLEDGE +5min',
      'FIRE L2 ACKNOWLEDGE +10min',
      'FIRE L2 ON_SCENE +30min',
      'FIRE L3 ACKNOWLEDGE +15min',
      'FIRE L3 RESOLVE +1440min',
    ]);
  });

  it('a rule set published after dispatch does not move the deadlines', async () => {
    const o = await fire();
    const before = await deadlines(o.id);
    const { rows: [{ document }] } = await api.db.query(`SELECT document FROM rule_sets ORDER BY version DESC LIMIT 1`);
    document.slas.P1.acknowledgeMinutes = 1;
    const published = await api.http().post('/api/v1/rule-sets').set('authorization', api.auth('supervisor'))
      .send({ document, comment: 'faster' });
    expect(published.status).toBe(201);
    expect((await cmd(o.id, 'routing-override', 'supervisor', { lead: 'FIRE', support: ['POLICE'], priority: 'P1', reason: 'mesma coisa' })).status).toBe(200);
    expect(await deadlines(o.id)).toEqual(before);
  });

  it('SLA_TIME_SCALE shortens deadlines for tests and is refused in production', async () => {
    expect(() => validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), SLA_TIME_SCALE: '0.001' })).toThrow(InvalidEnvironmentError);
    expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).SLA_TIME_SCALE).toBe(1);
    const fast = await startApi({ SLA_TIME_SCALE: '0.001' });
    try {
      const res = await fast.http().post('/api/v1/occurrences').set('authorization', fast.auth('operator'))
        .send({ category: 'FIRE_BUILDING', location: PLACES.santaCatarina, description: 'Incêndio' });
      const o = res.body as OccurrenceDetail;
      const { rows } = await fast.db.query<DeadlineRow>(`SELECT * FROM escalation_deadlines WHERE occurrence_id = $1`, [o.id]);
      expect(ladder(rows, new Date(o.dispatchedAt!).getTime()).map((s) => s.replace(/min$/, ''))).toContain('FIRE L1 ACKNOWLEDGE +0.002');
      expect(new Date(o.assignments[0].acknowledgeDueAt!).getTime() - new Date(o.dispatchedAt!).getTime()).toBe(120);
    } finally {
      await fast.close();
    }
  });
});

describe('API metrics and in-app notifications', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('serves Prometheus text at /metrics, outside /api/v1, without authentication', async () => {
    await api.http().get('/health/live');
    const res = await api.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('event_log_head_seq');
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/health\/live",status="200"\} [1-9]/);
    expect(res.text).toContain('process_cpu_seconds_total');
  });

  it('lists in-app notifications by recipient: department, its supervisor, the CGI', async () => {
    const o = (await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category: 'FIRE_BUILDING', location: PLACES.santaCatarina, description: 'Incêndio' })).body as OccurrenceDetail;
    const { rows: [d] } = await api.db.query(`SELECT id FROM escalation_deadlines WHERE occurrence_id = $1 AND level = 'L1'`, [o.id]);
    for (const [kind, dept] of [['DEPARTMENT', 'FIRE'], ['DEPARTMENT_SUPERVISOR', 'FIRE'], ['CGI_SUPERVISOR', 'CGI']]) {
      await api.db.query(
        `INSERT INTO notifications (occurrence_id, deadline_id, level, recipient_kind, recipient_department, channel, status, message)
         VALUES ($1, $2, 'L1', $3, $4, 'IN_APP', 'DELIVERED', 'FIRE has not acknowledged')`,
        [o.id, d.id, kind, dept],
      );
    }
    const seen = async (who: TestIdentity) =>
      ((await api.http().get('/api/v1/notifications').set('authorization', api.auth(who))).body as Array<{ recipientKind: string }>)
        .map((n) => n.recipientKind).sort();
    expect(await seen('fireAgent')).toEqual(['DEPARTMENT']);
    expect(await seen('fireSupervisor')).toEqual(['DEPARTMENT', 'DEPARTMENT_SUPERVISOR']);
    expect(await seen('policeAgent')).toEqual([]);
    expect(await seen('supervisor')).toEqual(['CGI_SUPERVISOR', 'DEPARTMENT', 'DEPARTMENT_SUPERVISOR']);
    expect(await seen('viewer')).toEqual([]);
  });
});
