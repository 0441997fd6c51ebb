import { PLACES, type ApiHarness } from '../../../../test/support/api-harness';
import { createKey, form, startOpen311Api } from './open311-support';

/** governance.md §8 through Open311: same category, within 150 m and 2 hours of an open occurrence. */
describe('Open311 duplicates', () => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    api = await startOpen311Api();
    key = (await createKey(api)).key;
  });
  afterAll(() => api.close());

  const report = (service_code: string, lat: number, long: number) =>
    api.http().post('/open311/v2/requests.json').type('form')
      .send(form({ api_key: key, service_code, lat, long, description: 'Passagem inferior inundada' }));

  /** The point `metres` due north of Santa Catarina, computed on the spheroid like the duplicate rule. */
  async function north(metres: number): Promise<{ lat: number; lon: number }> {
    const { rows: [p] } = await api.db.query(
      `SELECT ST_Y(g::geometry) AS lat, ST_X(g::geometry) AS lon
         FROM (SELECT ST_Project(ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography, $3, 0)::geography AS g) x`,
      [PLACES.santaCatarina.lat, PLACES.santaCatarina.lon, metres],
    );
    const { rows: [{ d }] } = await api.db.query(
      `SELECT ST_Distance(ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography, ST_SetSRID(ST_MakePoint($4, $3), 4326)::geography) AS d`,
      [PLACES.santaCatarina.lat, PLACES.santaCatarina.lon, p.lat, p.lon],
    );
    expect(Math.abs(Number(d) - metres)).toBeLessThan(0.5);
    return { lat: Number(p.lat), lon: Number(p.lon) };
  }

  const occurrence = async (reference: string) =>
    (await api.db.query(`SELECT id, status, parent_id, report_count FROM occurrences WHERE reference = $1`, [reference])).rows[0];

  async function first(category: string, ageMinutes = 0) {
    const res = await report(category, PLACES.santaCatarina.lat, PLACES.santaCatarina.lon);
    expect(res.status).toBe(201);
    const ref: string = res.body[0].service_request_id;
    if (ageMinutes) await api.db.query(`UPDATE occurrences SET created_at = now() - make_interval(mins => $2) WHERE reference = $1`, [ref, ageMinutes]);
    return { ref, ...(await occurrence(ref)) };
  }

  it('links a report 149 m away, and opens a new occurrence for one 151 m away', async () => {
    const parent = await first('ROAD_OBSTRUCTION');
    const near = await north(149);
    const far = await north(151);
    const linked = await report('ROAD_OBSTRUCTION', near.lat, near.lon);
    expect(linked.status).toBe(201);
    expect(linked.body[0].service_notice).toContain('já é conhecida');
    expect(linked.body[0].service_notice).toContain(parent.ref);
    const child = await occurrence(linked.body[0].service_request_id);
    expect(child).toMatchObject({ status: 'MERGED', parent_id: parent.id });
    expect((await occurrence(parent.ref)).report_count).toBe(2);

    const separate = await report('ROAD_OBSTRUCTION', far.lat, far.lon);
    expect(separate.body[0].service_notice).not.toContain('já é conhecida');
    expect(await occurrence(separate.body[0].service_request_id)).toMatchObject({ status: 'NEW', parent_id: null, report_count: 1 });
    expect((await occurrence(parent.ref)).report_count).toBe(2);
  });

  it('links a report 1 h 59 after the first, and not one 2 h 01 after', async () => {
    const recent = await first('SIGNAGE_DAMAGE', 119);
    const linked = await report('SIGNAGE_DAMAGE', PLACES.santaCatarina.lat, PLACES.santaCatarina.lon);
    expect(await occurrence(linked.body[0].service_request_id)).toMatchObject({ status: 'MERGED', parent_id: recent.id });

    const old = await first('BOLLARD_FAULT', 121);
    const separate = await report('BOLLARD_FAULT', PLACES.santaCatarina.lat, PLACES.santaCatarina.lon);
    expect(await occurrence(separate.body[0].service_request_id)).toMatchObject({ status: 'NEW', parent_id: null });
    expect((await occurrence(old.ref)).report_count).toBe(1);
  });

  it('gives the linked citizen a request that follows the parent occurrence', async () => {
    const parent = await first('DEAD_ANIMAL');
    const child = (await report('DEAD_ANIMAL', PLACES.santaCatarina.lat, PLACES.santaCatarina.lon)).body[0].service_request_id;
    const get = async (ref: string) => (await api.http().get(`/open311/v2/requests/${ref}.json`)).body[0];
    expect((await get(child)).status).toBe('open');
    const cmd = (path: string, who: 'operator' | 'environmentAgent', body: object = {}) =>
      api.http().post(`/api/v1/occurrences/${parent.id}/${path}`).set('authorization', api.auth(who)).send(body).expect(200);
    await cmd('triage', 'operator');
    await cmd('dispatch', 'operator');
    await cmd('acknowledge', 'environmentAgent');
    await cmd('resolve', 'environmentAgent', { note: 'recolhido', publicNote: 'O animal foi recolhido.' });
    const [p, c] = [await get(parent.ref), await get(child)];
    expect(c).toMatchObject({ status: 'closed', status_notes: 'O animal foi recolhido.', agency_responsible: p.agency_responsible });
    expect(c.agency_responsible).toBeTruthy();
    expect(c.service_request_id).toBe(child);
    expect(c.service_notice).toContain('já é conhecida');
  });

  it('journey 3: thirty citizens report the same flooded underpass within the hour → one occurrence, report count 30', async () => {
    const points: Array<{ lat: number; lon: number }> = [];
    for (const m of [0, 20, 45, 80, 120]) points.push(await north(m));
    // Reports arrive together (the advisory lock serialises them): exactly one opens.
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => report('FLOODING', points[i % points.length].lat, points[i % points.length].lon)),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const refs = responses.map((r) => r.body[0].service_request_id as string);
    expect(new Set(refs).size).toBe(30);
    const { rows } = await api.db.query(
      `SELECT reference, status, parent_id, report_count FROM occurrences WHERE category = 'FLOODING' ORDER BY created_at`,
    );
    expect(rows).toHaveLength(30);
    const parents = rows.filter((r) => r.parent_id === null);
    expect(parents).toHaveLength(1);
    expect(parents[0].report_count).toBe(30);
    expect(rows.filter((r) => r.status === 'MERGED')).toHaveLength(29);
    expect(responses.filter((r) => r.body[0].service_notice.includes('já é conhecida'))).toHaveLength(29);
    // Every citizen can follow their own request id.
    const listed = await api.http().get(`/open311/v2/requests.json?service_request_id=${refs.join(',')}`);
    expect(listed.body).toHaveLength(30);
    expect(new Set(listed.body.map((r: { status: string }) => r.status))).toEqual(new Set(['open']));
  });
});
