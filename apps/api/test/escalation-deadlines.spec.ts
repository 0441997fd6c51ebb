import type { OccurrenceDetail } from '@cgi/shared';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';
import { DataSource } from 'typeorm';
import { DEFAULT_RULE_SET } from '@cgi/domain';
import { InvalidEnvironmentError, validateEnv } from '../src/config/env';
import { seedReferenceData } from '../src/database/reference-data';

interface DeadlineRow {
  department: string;
  role: string;
  kind: string;
  level: string;
  due_at: Date;
  fired_at: Date | null;
  cancelled_at: Date | null;
  outcome: string | null;
}

const MIN = 60_000;

/** The P1 ladders of a building fire (FIRE lead; CIVIL_PROTECTION and POLICE support), minutes from dispatch. */
const P1_FIRE_LADDERS = [
  'CIVIL_PROTECTION SUPPORT L1 ACKNOWLEDGE +2min',
  'CIVIL_PROTECTION SUPPORT L2 ACKNOWLEDGE +4min',
  'FIRE LEAD L1 ACKNOWLEDGE +2min',
  'FIRE LEAD L2 ACKNOWLEDGE +4min',
  'FIRE LEAD L2 ON_SCENE +10min',
  'FIRE LEAD L3 ACKNOWLEDGE +6min',
  'FIRE LEAD L3 RESOLVE +240min',
  'POLICE SUPPORT L1 ACKNOWLEDGE +2min',
  'POLICE SUPPORT L2 ACKNOWLEDGE +4min',
];

describe('escalation deadlines written at dispatch (governance.md §6, ADR 0017)', () => {
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
      `SELECT department, role, kind, level, due_at, fired_at, cancelled_at, outcome FROM escalation_deadlines
        WHERE occurrence_id = $1 ORDER BY id`,
      [id],
    );
    return rows;
  }
  const pending = (rows: DeadlineRow[]) => rows.filter((r) => r.outcome === null);
  const ladder = (rows: DeadlineRow[], from: number) =>
    rows.map((r) => `${r.department} ${r.role} ${r.level} ${r.kind} +${(r.due_at.getTime() - from) / MIN}min`).sort();
  const outcomes = (rows: DeadlineRow[]) => rows.map((r) => `${r.department} ${r.role} ${r.level} ${r.kind} ${r.outcome}`).sort();
  const assignedAt = async (id: string, department: string): Promise<number> => {
    const { rows: [a] } = await api.db.query<{ assigned_at: Date }>(
      `SELECT assigned_at FROM occurrence_assignments WHERE occurrence_id = $1 AND department = $2`, [id, department],
    );
    return a.assigned_at.getTime();
  };

  it("a P1 building fire gets, in the intake transaction, the lead's ladder (2/4/6 min acknowledge, 10 min on scene, 4 h resolve) and each support department's own (2/4 min)", async () => {
    const o = await fire();
    const dispatchedAt = new Date(o.dispatchedAt!).getTime();
    const rows = await deadlines(o.id);
    expect(ladder(rows, dispatchedAt)).toEqual(P1_FIRE_LADDERS);
    expect(pending(rows)).toHaveLength(9);
  });

  it("each department's acknowledgement stops its own acknowledge clock only; the lead's on scene the on-scene one, resolve the rest", async () => {
    const o = await fire();
    expect((await cmd(o.id, 'acknowledge', 'policeAgent')).status).toBe(200);
    let rows = await deadlines(o.id);
    expect(rows.filter((r) => r.department === 'POLICE').map((r) => r.outcome)).toEqual(['MET', 'MET']);
    expect(pending(rows)).toHaveLength(7);
    expect((await cmd(o.id, 'acknowledge', 'fireAgent')).status).toBe(200);
    rows = await deadlines(o.id);
    expect(pending(rows).map((r) => `${r.department} ${r.level} ${r.kind}`).sort()).toEqual([
      'CIVIL_PROTECTION L1 ACKNOWLEDGE', 'CIVIL_PROTECTION L2 ACKNOWLEDGE', 'FIRE L2 ON_SCENE', 'FIRE L3 RESOLVE',
    ]);
    expect(rows.filter((r) => r.kind === 'ACKNOWLEDGE' && r.department !== 'CIVIL_PROTECTION').every((r) => r.outcome === 'MET' && r.cancelled_at !== null)).toBe(true);
    expect((await cmd(o.id, 'on-scene', 'fireAgent')).status).toBe(200);
    expect(pending(await deadlines(o.id)).map((r) => `${r.department} ${r.level} ${r.kind}`)).toEqual([
      'FIRE L3 RESOLVE', 'CIVIL_PROTECTION L1 ACKNOWLEDGE', 'CIVIL_PROTECTION L2 ACKNOWLEDGE',
    ]);
    expect((await cmd(o.id, 'resolve', 'fireAgent', { note: 'extinto' })).status).toBe(200);
    rows = await deadlines(o.id);
    expect(pending(rows)).toHaveLength(0);
    expect(rows.every((r) => r.outcome === 'MET')).toBe(true);
  });

  it('a support department on scene without acknowledging first stops its acknowledge clock too', async () => {
    const o = await fire();
    expect((await cmd(o.id, 'on-scene', 'policeAgent')).status).toBe(200);
    expect((await deadlines(o.id)).filter((r) => r.department === 'POLICE').map((r) => r.outcome)).toEqual(['MET', 'MET']);
  });

  it('cancelling releases every pending deadline, of every ladder', async () => {
    const o = await fire();
    expect((await cmd(o.id, 'cancel', 'operator', { reason: 'falso alarme' })).status).toBe(200);
    const rows = await deadlines(o.id);
    expect(rows).toHaveLength(9);
    expect(rows.every((r) => r.outcome === 'RELEASED')).toBe(true);
  });

  it("a routing override to another lead supersedes the old ladders and starts each department's for its new role", async () => {
    const o = await fire();
    const res = await cmd(o.id, 'routing-override', 'supervisor', {
      lead: 'CIVIL_PROTECTION', support: ['FIRE'], priority: 'P1', reason: 'estrutura em risco',
    });
    expect(res.status).toBe(200);
    const rows = await deadlines(o.id);
    // FIRE's lead ladder, CIVIL_PROTECTION's support ladder and released POLICE's: all superseded.
    expect(rows.slice(0, 9).every((r) => r.outcome === 'SUPERSEDED')).toBe(true);
    const now = pending(rows);
    expect(now).toHaveLength(7);
    const cp = now.filter((r) => r.department === 'CIVIL_PROTECTION');
    expect(ladder(cp, await assignedAt(o.id, 'CIVIL_PROTECTION'))).toContain('CIVIL_PROTECTION LEAD L1 ACKNOWLEDGE +2min');
    expect(cp).toHaveLength(5);
    // FIRE, still assigned, keeps its assignment time: its support ladder runs from the dispatch.
    expect(ladder(now.filter((r) => r.department === 'FIRE'), new Date(o.dispatchedAt!).getTime())).toEqual([
      'FIRE SUPPORT L1 ACKNOWLEDGE +2min', 'FIRE SUPPORT L2 ACKNOWLEDGE +4min',
    ]);
  });

  it("an override that keeps lead and priority keeps the clocks (deadlines are frozen), supersedes a released department's; a new priority restarts them", async () => {
    const o = await fire();
    const before = await deadlines(o.id);
    expect((await cmd(o.id, 'routing-override', 'supervisor', { lead: 'FIRE', support: ['POLICE'], priority: 'P1', reason: 'sem proteção civil' })).status).toBe(200);
    expect(outcomes(await deadlines(o.id))).toEqual(outcomes(before.map((r) => ({ ...r, outcome: r.department === 'CIVIL_PROTECTION' ? 'SUPERSEDED' : null }))));
    expect((await deadlines(o.id)).filter((r) => r.department !== 'CIVIL_PROTECTION')).toEqual(before.filter((r) => r.department !== 'CIVIL_PROTECTION'));

    // A department joining later gets its ladder from its own assignment.
    expect((await cmd(o.id, 'routing-override', 'supervisor', { lead: 'FIRE', support: ['POLICE', 'MOBILITY'], priority: 'P1', reason: 'corte de trânsito' })).status).toBe(200);
    const mobility = (await deadlines(o.id)).filter((r) => r.department === 'MOBILITY');
    expect(ladder(mobility, await assignedAt(o.id, 'MOBILITY'))).toEqual(['MOBILITY SUPPORT L1 ACKNOWLEDGE +2min', 'MOBILITY SUPPORT L2 ACKNOWLEDGE +4min']);
    expect(await assignedAt(o.id, 'MOBILITY')).toBeGreaterThan(new Date(o.dispatchedAt!).getTime());

    expect((await cmd(o.id, 'routing-override', 'supervisor', { lead: 'FIRE', support: [], priority: 'P2', reason: 'menos grave' })).status).toBe(200);
    const rows = await deadlines(o.id);
    expect(rows.slice(0, 9 + 2).every((r) => r.outcome === 'SUPERSEDED')).toBe(true);
    const p2 = pending(rows);
    expect(ladder(p2, await assignedAt(o.id, 'FIRE'))).toEqual([
      'FIRE LEAD L1 ACKNOWLEDGE +5min',
      'FIRE LEAD L2 ACKNOWLEDGE +10min',
      'FIRE LEAD L2 ON_SCENE +30min',
      'FIRE LEAD L3 ACKNOWLEDGE +15min',
      'FIRE LEAD L3 RESOLVE +1440min',
    ]);
  });

  it('a rule set published after dispatch does not move the deadlines', async () => {
    const o = await fire();
    const before = await deadlines(o.id);
    const { rows: [{ document }] } = await api.db.query(`SELECT document FROM rule_sets ORDER BY version DESC LIMIT 1`);
    document.slas.P1.acknowledgeMinutes = 1;
    document.supportEscalation.SUPPORT[0].acknowledgeMultiple = 1;
    const published = await api.http().post('/api/v1/rule-sets').set('authorization', api.auth('supervisor'))
      .send({ document, comment: 'faster' });
    expect(published.status).toBe(201);
    expect((await cmd(o.id, 'routing-override', 'supervisor', { lead: 'FIRE', support: ['CIVIL_PROTECTION', 'POLICE'], priority: 'P1', reason: 'mesma coisa' })).status).toBe(200);
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
      const scaled = ladder(rows, new Date(o.dispatchedAt!).getTime()).map((s) => s.replace(/min$/, ''));
      expect(scaled).toContain('FIRE LEAD L1 ACKNOWLEDGE +0.002');
      expect(scaled).toContain('POLICE SUPPORT L2 ACKNOWLEDGE +0.004');
      expect(new Date(o.assignments[0].acknowledgeDueAt!).getTime() - new Date(o.dispatchedAt!).getTime()).toBe(120);
    } finally {
      await fast.close();
    }
  });
});

describe('rules that predate the support ladders (ADR 0017)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const report = async (): Promise<string[]> => {
    const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category: 'FIRE_BUILDING', location: PLACES.santaCatarina, description: 'Incêndio' });
    expect(res.status).toBe(201);
    const { rows } = await api.db.query<{ d: string }>(
      `SELECT DISTINCT department || ' ' || role AS d FROM escalation_deadlines WHERE occurrence_id = $1 ORDER BY 1`, [(res.body as OccurrenceDetail).id],
    );
    return rows.map((r) => r.d);
  };

  it("a version without them still runs the lead's ladder; the seed publishes the rules in force plus the ladders as the next version, once", async () => {
    const { rows: [active] } = await api.db.query(`SELECT version, document FROM rule_sets ORDER BY version DESC LIMIT 1`);
    await api.db.query(
      `INSERT INTO rule_sets (version, document, created_by, comment) VALUES ($1, $2::jsonb - 'supportEscalation', 'test', 'older rules')`,
      [active.version + 1, JSON.stringify({ ...active.document, duplicates: { radiusMeters: 120, windowMinutes: 120 } })],
    );
    expect(await report()).toEqual(['FIRE LEAD']);

    const ds = api.app.get(DataSource);
    await seedReferenceData(ds);
    await seedReferenceData(ds);
    const { rows } = await api.db.query(`SELECT version, document, created_by FROM rule_sets WHERE version > $1 ORDER BY version`, [active.version]);
    expect(rows.map((r) => r.version)).toEqual([active.version + 1, active.version + 2]);
    expect(rows[1].document).toEqual({ ...active.document, duplicates: { radiusMeters: 120, windowMinutes: 120 }, supportEscalation: DEFAULT_RULE_SET.supportEscalation });
    const { rows: events } = await api.db.query(`SELECT payload FROM occurrence_events WHERE type = 'RULE_SET_PUBLISHED'`);
    expect(events.map((e) => e.payload.version)).toEqual([active.version + 2]);
    expect(await report()).toEqual(['CIVIL_PROTECTION SUPPORT', 'FIRE LEAD', 'POLICE SUPPORT']);
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
    const { rows: [d] } = await api.db.query(`SELECT id FROM escalation_deadlines WHERE occurrence_id = $1 AND level = 'L1' AND role = 'LEAD'`, [o.id]);
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
