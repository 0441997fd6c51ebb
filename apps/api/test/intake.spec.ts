import type { OccurrenceDetail } from '@cgi/shared';
import { PLACES, startApi, type ApiHarness } from '../../../test/support/api-harness';

const TABLES = ['occurrences', 'occurrence_events', 'occurrence_assignments', 'reporter_contacts'];

describe('intake', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const post = (body: unknown, who: Parameters<ApiHarness['auth']>[0] = 'operator') =>
    api.http().post('/api/v1/occurrences').set('authorization', api.auth(who)).send(body as object);

  async function counts(): Promise<number[]> {
    const out: number[] = [];
    for (const t of TABLES) out.push(await api.count(t));
    return out;
  }

  it('dispatches an operator intake with a known category at once, with deadlines and events', async () => {
    const res = await post({
      category: 'FALLEN_TREE',
      location: PLACES.santaCatarina,
      description: 'Árvore caída a bloquear o passeio',
      reporter: { name: 'Maria Silva', phone: '+351912345678' },
    });
    expect(res.status).toBe(201);
    const o = res.body as OccurrenceDetail;
    expect(o.reference).toMatch(/^OC-\d{4}-\d{6}$/);
    expect(o.status).toBe('DISPATCHED');
    expect(o.priority).toBe('P2');
    expect(o.lead).toBe('CIVIL_PROTECTION');
    expect(o.location.parishCode).toBe('131217');
    expect(o.assignments.map((a) => [a.department, a.role, a.state])).toEqual([
      ['CIVIL_PROTECTION', 'LEAD', 'PENDING'],
      ['ENVIRONMENT', 'SUPPORT', 'PENDING'],
    ]);
    const lead = o.assignments[0];
    expect(Date.parse(lead.acknowledgeDueAt!) - Date.parse(lead.assignedAt)).toBe(5 * 60_000);
    expect(o.routing.ruleSetVersion).toBe(1);
    expect(o.routing.fired.map((f) => f.rule)).toContain('category:FALLEN_TREE');
    expect(o.timeline.map((e) => e.type)).toEqual(['OCCURRENCE_CREATED', 'DISPATCHED']);
    expect(JSON.stringify(o)).not.toContain('912345678');
    const contact = await api.db.query(`SELECT name, phone FROM reporter_contacts WHERE occurrence_id = $1`, [o.id]);
    expect(contact.rows).toEqual([{ name: 'Maria Silva', phone: '+351912345678' }]);
    // The answer is built from what the intake statement returned: it must be what a reader sees.
    const read = await api.http().get(`/api/v1/occurrences/${o.id}`).set('authorization', api.auth('operator'));
    expect(read.body).toEqual(o);
  });

  it('keeps a citizen report NEW for triage, and auto-dispatches a P1 sensor alarm', async () => {
    const citizen = await post({ category: 'NOISE', source: 'CITIZEN', location: PLACES.paranhos, description: 'Música alta' });
    expect(citizen.status).toBe(201);
    expect(citizen.body.status).toBe('NEW');
    expect(citizen.body.assignments).toEqual([]);
    const read = await api.http().get(`/api/v1/occurrences/${citizen.body.id}`).set('authorization', api.auth('operator'));
    expect(read.body).toEqual(citizen.body);
    const sensor = await post({ category: 'GAS_LEAK', source: 'SENSOR', location: PLACES.campanha, description: 'Detetor de gás' });
    expect(sensor.body.status).toBe('DISPATCHED');
    expect(sensor.body.priority).toBe('P1');
  });

  it('applies the modifiers and records each one in the decision', async () => {
    const res = await post({
      category: 'TRAFFIC_ACCIDENT',
      location: PLACES.paranhos,
      description: 'Colisão com feridos',
      flags: { injuries: true, blocksTraffic: true },
    });
    expect(res.body.priority).toBe('P1');
    expect(res.body.routing.result.notify).toContain('INEM');
    expect(res.body.assignments.map((a: { department: string }) => a.department).sort()).toEqual(['FIRE', 'MOBILITY', 'POLICE']);
    expect(res.body.routing.fired.map((f: { rule: string }) => f.rule)).toEqual(
      expect.arrayContaining(['modifier:injuries', 'modifier:blocks-traffic']),
    );
  });

  it('keeps an occurrence just outside the municipality, for CGI triage, and says why', async () => {
    const res = await post({ category: 'FLOODING', location: PLACES.matosinhos, description: 'Inundação na fronteira' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('NEW');
    expect(res.body.lead).toBe('CGI');
    expect(res.body.location.parishCode).toBeNull();
    expect(res.body.routing.fired.map((f: { rule: string }) => f.rule)).toContain('outside-municipality');
  });

  describe('bad input: a clear error naming the field, and nothing stored', () => {
    const valid = { category: 'FALLEN_TREE', location: PLACES.santaCatarina, description: 'ok' };
    const cases: Array<[string, unknown, number, string[]]> = [
      ['missing category', { location: valid.location, description: 'x' }, 400, ['category']],
      ['missing location', { category: 'FALLEN_TREE', description: 'x' }, 400, ['location']],
      ['latitude out of range', { ...valid, location: { lat: 95, lon: -8.6 } }, 400, ['location.lat']],
      ['longitude not a number', { ...valid, location: { lat: 41.1, lon: 'west' } }, 400, ['location.lon']],
      ['coordinates in the Atlantic', { ...valid, location: PLACES.atlantic }, 400, ['location']],
      ['empty description', { ...valid, description: '' }, 400, ['description']],
      ['description over 4000 characters', { ...valid, description: 'x'.repeat(4001) }, 400, ['description']],
      ['unknown field', { ...valid, colour: 'red' }, 400, ['colour']],
      ['malformed category code', { ...valid, category: 'fallen tree' }, 400, ['category']],
      ['unknown category', { ...valid, category: 'ALIEN_LANDING' }, 422, ['category']],
      ['bad flag type', { ...valid, flags: { injuries: 'yes' } }, 400, ['flags.injuries']],
      ['negative people at risk', { ...valid, flags: { peopleAtRisk: -1 } }, 400, ['flags.peopleAtRisk']],
      ['bad reporter e-mail', { ...valid, reporter: { email: 'not-an-email' } }, 400, ['reporter.email']],
      ['bad source', { ...valid, source: 'PIGEON' }, 400, ['source']],
      ['several bad fields at once', { category: 7, location: { lat: 'a' }, description: 5 }, 400, ['category', 'location.lat', 'location.lon', 'description']],
    ];
    it.each(cases)('%s', async (_name, body, status, fields) => {
      const before = await counts();
      const res = await post(body);
      expect(res.status).toBe(status);
      expect(res.body.error.correlationId).toEqual(res.headers['x-correlation-id']);
      const named = (res.body.error.fields as Array<{ field: string }>).map((f) => f.field);
      for (const f of fields) expect(named).toContain(f);
      expect(await counts()).toEqual(before);
    });

    it('a malformed JSON body', async () => {
      const before = await counts();
      const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
        .set('content-type', 'application/json').send('{"category": "FALLEN_TREE", ');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.fields[0].field).toBe('body');
      expect(await counts()).toEqual(before);
    });

    it('a 10 MB description is refused by the body limit', async () => {
      const before = await counts();
      const res = await post({ ...valid, description: 'x'.repeat(10 * 1024 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await counts()).toEqual(before);
    });
  });

  it('previews the routing decision without storing anything', async () => {
    const before = await counts();
    const res = await api.http().post('/api/v1/occurrences/routing-preview').set('authorization', api.auth('operator'))
      .send({ category: 'FIRE_BUILDING', location: PLACES.campanha, description: 'preview' });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ lead: 'FIRE', priority: 'P1' });
    expect(await counts()).toEqual(before);
    // Nor does it reserve a reference number.
    const seq = async (): Promise<string> => (await api.db.query(`SELECT last_value::text AS v FROM occurrence_reference_seq`)).rows[0].v;
    const reserved = await seq();
    await api.http().post('/api/v1/occurrences/routing-preview').set('authorization', api.auth('operator'))
      .send({ category: 'NOISE', location: PLACES.paranhos, description: 'preview' });
    expect(await seq()).toBe(reserved);
  });

  it('refuses unauthenticated and department roles', async () => {
    expect((await api.http().post('/api/v1/occurrences').send({})).status).toBe(401);
    const res = await post({ category: 'FALLEN_TREE', location: PLACES.santaCatarina, description: 'x' }, 'fireAgent');
    expect(res.status).toBe(403);
  });
});
