import type { OccurrenceDetail, RuleSetDocument } from '@cgi/shared';
import { PLACES, startApi, type ApiHarness } from '../../../test/support/api-harness';

describe('rule sets as data, and operational levels', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const active = async (): Promise<{ version: number; document: RuleSetDocument }> =>
    (await api.http().get('/api/v1/rule-sets/active').set('authorization', api.auth('operator'))).body;
  const publish = (document: unknown, who: Parameters<ApiHarness['auth']>[0] = 'supervisor') =>
    api.http().post('/api/v1/rule-sets').set('authorization', api.auth(who)).send({ document, comment: 'test' });
  const intake = async (body: object = {}): Promise<OccurrenceDetail> =>
    (await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category: 'NOISE', location: PLACES.paranhos, description: 'Ruído', ...body })).body;

  it('a supervisor publishes a new version without a deploy; running deadlines keep theirs', async () => {
    const before = await intake();
    const current = await active();
    expect(current.version).toBe(1);
    const doc = structuredClone(current.document);
    doc.categories.find((c) => c.code === 'NOISE')!.defaultPriority = 'P2';
    doc.slas.P3.acknowledgeMinutes = 45;
    const res = await publish(doc);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: 2, active: true });
    const after = await intake();
    expect(after.priority).toBe('P2');
    expect(after.routing.ruleSetVersion).toBe(2);
    const again = (await api.http().get(`/api/v1/occurrences/${before.id}`).set('authorization', api.auth('operator'))).body as OccurrenceDetail;
    expect(again.routing.ruleSetVersion).toBe(1);
    expect(again.assignments[0].acknowledgeDueAt).toBe(before.assignments[0].acknowledgeDueAt);
    const versions = (await api.http().get('/api/v1/rule-sets').set('authorization', api.auth('supervisor'))).body;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('refuses an invalid rule set whole, naming the fields, and stores nothing', async () => {
    const doc = structuredClone((await active()).document) as unknown as Record<string, unknown>;
    (doc.categories as Array<Record<string, unknown>>)[0].lead = 'ASTRONAUTS';
    (doc.slas as Record<string, Record<string, unknown>>).P1.acknowledgeMinutes = -2;
    const n = await api.count('rule_sets');
    const res = await publish(doc);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_RULE_SET');
    const fields = res.body.error.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['categories[0].lead', 'slas.P1.acknowledgeMinutes']));
    expect(await api.count('rule_sets')).toBe(n);
  });

  it('only a CGI supervisor changes rules', async () => {
    const doc = (await active()).document;
    expect((await publish(doc, 'operator')).status).toBe(403);
    expect((await publish(doc, 'fireSupervisor')).status).toBe(403);
  });

  it('in CRISIS, Civil Protection joins every new occurrence of the parish as coordinator', async () => {
    const set = await api.http().put('/api/v1/operational-levels/131203').set('authorization', api.auth('supervisor'))
      .send({ level: 'CRISIS', reason: 'Cheias no Douro' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ scope: '131203', level: 'CRISIS' });
    const there = await intake({ category: 'TRAFFIC_LIGHT_FAULT', location: PLACES.campanha });
    expect(there.assignments.map((a) => [a.department, a.role])).toEqual([
      ['MOBILITY', 'LEAD'], ['CIVIL_PROTECTION', 'COORDINATOR'], ['POLICE', 'SUPPORT'],
    ]);
    const elsewhere = await intake({ category: 'TRAFFIC_LIGHT_FAULT', location: PLACES.paranhos });
    expect(elsewhere.assignments.map((a) => a.department)).not.toContain('CIVIL_PROTECTION');
    expect((await api.http().put('/api/v1/operational-levels/131203').set('authorization', api.auth('operator'))
      .send({ level: 'NORMAL', reason: 'fim' })).status).toBe(403);
    expect((await api.http().put('/api/v1/operational-levels/999999').set('authorization', api.auth('supervisor'))
      .send({ level: 'ALERT', reason: 'nowhere' })).status).toBe(404);
  });
});

describe('listing and reference data', () => {
  let api: ApiHarness;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    api = await startApi();
    const make = async (key: string, body: object) => {
      const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
        .send({ location: PLACES.santaCatarina, description: `occurrence ${key}`, ...body });
      ids[key] = res.body.id;
    };
    await make('tree', { category: 'FALLEN_TREE', description: 'Árvore caída na Rua de Santa Catarina' });
    await make('fire', { category: 'FIRE_BUILDING', location: PLACES.campanha });
    await make('noise', { category: 'NOISE', location: PLACES.paranhos, source: 'CITIZEN' });
    for (let i = 0; i < 5; i++) await make(`waste${i}`, { category: 'WASTE_OVERFLOW', location: PLACES.paranhos });
  });
  afterAll(() => api.close());

  const list = (query: string, who: Parameters<ApiHarness['auth']>[0] = 'operator') =>
    api.http().get(`/api/v1/occurrences?${query}`).set('authorization', api.auth(who));

  it('filters by status, priority, category, department, parish, bbox, radius and text', async () => {
    expect((await list('status=NEW')).body.items.map((i: { id: string }) => i.id)).toEqual([ids.noise]);
    expect((await list('priority=P1')).body.items.map((i: { id: string }) => i.id)).toEqual([ids.fire]);
    expect((await list('category=FALLEN_TREE,FIRE_BUILDING')).body.items).toHaveLength(2);
    expect((await list('department=FIRE')).body.items.map((i: { id: string }) => i.id)).toEqual([ids.fire]);
    expect((await list('parish=131203')).body.items.map((i: { id: string }) => i.id)).toEqual([ids.fire]);
    expect((await list(`near=${PLACES.campanha.lat},${PLACES.campanha.lon}&radius=200`)).body.items.map((i: { id: string }) => i.id)).toEqual([ids.fire]);
    expect((await list('bbox=-8.61,41.145,-8.60,41.155')).body.items.map((i: { id: string }) => i.id)).toEqual([ids.tree]);
    expect((await list('q=Catarina')).body.items.map((i: { id: string }) => i.id)).toEqual([ids.tree]);
    expect((await list(`from=${new Date(Date.now() + 60_000).toISOString()}`)).body.items).toEqual([]);
  });

  it('pages with a cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });

  it('rejects bad filters naming the parameter', async () => {
    for (const [q, field] of [['status=SLEEPING', 'status'], ['bbox=1,2,3', 'bbox'], ['limit=0', 'limit'], ['cursor=abc', 'cursor'], ['radius=10', 'near']]) {
      const res = await list(q);
      expect(res.status).toBe(400);
      expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
  });

  it('serves the parishes as GeoJSON, the catalogue, health and the OpenAPI document', async () => {
    const parishes = await api.http().get('/api/v1/reference/parishes');
    expect(parishes.body.features).toHaveLength(7);
    const cats = await api.http().get('/api/v1/reference/categories').set('authorization', api.auth('viewer'));
    // governance.md §3 and the asset registry's CAMERA_FAULT and SENSOR_FAULT (issue 15).
    expect(cats.body.categories).toHaveLength(30);
    const units = await api.http().get('/api/v1/reference/units').set('authorization', api.auth('viewer'));
    expect(units.body.ruleSetVersion).toBe(cats.body.ruleSetVersion);
    expect(units.body.units.onSceneRadiusMeters).toBe(100);
    expect(units.body.units.kinds.map((k: { code: string }) => k.code)).toContain('PATROL_CAR');
    expect((await api.http().get('/health/live')).status).toBe(200);
    const ready = await api.http().get('/health/ready');
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    const doc = await api.http().get('/api/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/occurrences/{id}/acknowledge');
  });

  it('logs in with a password and refuses a wrong one', async () => {
    const ok = await api.http().post('/api/v1/auth/login').send({ username: 'operator', password: 'test-password-not-secret' });
    expect(ok.status).toBe(200);
    const me = await api.http().get('/api/v1/occurrences').set('authorization', `Bearer ${ok.body.accessToken}`);
    expect(me.status).toBe(200);
    const bad = await api.http().post('/api/v1/auth/login').send({ username: 'operator', password: 'wrong' });
    expect(bad.status).toBe(401);
  });
});
