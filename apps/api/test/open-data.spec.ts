import { randomBytes } from 'node:crypto';
import { CC_BY_4, OPEN_ROW_FIELDS, parseOpenDataPeriod, type OpenDataPeriod } from '@cgi/domain';
import * as jsonld from 'jsonld';
import { GENERATE_JOB, OpenDataJob } from '../src/open-data/open-data.job';
import { OpenDataService } from '../src/open-data/open-data.service';
import { PLACES, startApi, type ApiHarness } from '../../../test/support/api-harness';

/** RFC 4180 reader (quoted fields, doubled quotes, CRLF): parses back what the generator wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += ch;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

const DAY = '2026-12-03';
const day = (): OpenDataPeriod => parseOpenDataPeriod('daily', DAY)!;

describe('Open data: anonymised occurrence datasets and their DCAT-AP catalogue', () => {
  let api: ApiHarness;
  let service: OpenDataService;
  /** Every piece of personal or free text put into the database: none may reach a file. */
  const secrets: string[] = [];
  const ids: string[] = [];
  const refs: string[] = [];
  let e0 = 0;
  let n0 = 0;

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}`, OPEN_DATA_CRON: 'off', OPEN_DATA_K: '3', PUBLIC_BASE_URL: 'https://dados.example.pt' });
    service = api.app.get(OpenDataService);
    const { rows } = await api.db.query(
      `SELECT floor(ST_X(g) / 100) * 100 AS e, floor(ST_Y(g) / 100) * 100 AS n FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 3763) g`,
      [PLACES.paranhos.lon, PLACES.paranhos.lat],
    );
    e0 = Number(rows[0].e);
    n0 = Number(rows[0].n);
  });
  afterAll(() => api.close());

  let seq = 0;
  /** An occurrence full of personal data, then placed (PT-TM06 metres) and dated by SQL. */
  async function seed(category: string, source: string, dx: number, dy: number, createdAt: string, extra: string[] = []): Promise<string> {
    seq++;
    const name = `Zeferina Quintanilha ${seq}`;
    const phone = `+351 91${String(seq).padStart(7, '0')}`;
    const email = `zeferina.q${seq}@correio.example`;
    const address = `Travessa do Recanto Escondido ${seq}, 3º esquerdo`;
    const description = `Vizinho Anacleto Pimentel ${seq} diz que o buraco fica junto à garagem dele, código portão 4417${seq}`;
    const note = `Nota interna: contactar Filomena Brandão ${seq} pelo 22${String(seq).padStart(7, '0')}`;
    const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category, source, location: { lat: PLACES.santaCatarina.lat + seq * 0.0003, lon: PLACES.santaCatarina.lon, address }, description, reporter: { name, phone, email } });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    const note201 = await api.http().post(`/api/v1/occurrences/${id}/notes`).set('authorization', api.auth('operator')).send({ text: note });
    expect(note201.status).toBe(201);
    await api.db.query(
      `UPDATE occurrences SET location = ST_Transform(ST_SetSRID(ST_MakePoint($2, $3), 3763), 4326)::geography,
              parish_code = (SELECT code FROM parishes WHERE ST_Contains(geom, ST_Transform(ST_SetSRID(ST_MakePoint($2, $3), 3763), 4326))),
              created_at = $4 WHERE id = $1`,
      [id, e0 + dx, n0 + dy, createdAt],
    );
    const { rows } = await api.db.query(`SELECT reference FROM occurrences WHERE id = $1`, [id]);
    ids.push(id);
    refs.push(rows[0].reference);
    secrets.push(name, phone, email, address, description, note, rows[0].reference, id, ...extra);
    return id;
  }

  async function fetchText(path: string) {
    const res = await api.http().get(path).buffer(true).parse((r, cb) => {
      let s = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (s += c));
      r.on('end', () => cb(null, s));
    });
    return { res, text: res.body as string };
  }

  it('publishes the day: k = 3 kept, smaller citizen groups suppressed and counted per parish', async () => {
    // Cell A (e0, n0): three ROAD_DAMAGE (a citizen category), one resolved with every step.
    const a1 = await seed('ROAD_DAMAGE', 'CITIZEN', 17.3, 23.9, '2026-12-03T10:15:42.500Z');
    await seed('ROAD_DAMAGE', 'OPERATOR', 61.7, 88.1, '2026-12-03T11:00:05Z');
    await seed('ROAD_DAMAGE', 'CITIZEN', 93.2, 4.4, '2026-12-03T23:59:59Z');
    await api.db.query(
      `UPDATE occurrences SET status = 'RESOLVED', dispatched_at = '2026-12-03T10:20:31Z', resolved_at = '2026-12-03T12:01:59Z' WHERE id = $1`, [a1]);
    await api.db.query(
      `INSERT INTO occurrence_assignments (occurrence_id, department, role, state, assigned_at, acknowledged_at, acknowledged_by, on_scene_at)
       VALUES ($1, 'MOBILITY', 'LEAD', 'ON_SCENE', '2026-12-03T10:20:31Z', '2026-12-03T10:22:10Z', 'agente.mobilidade', '2026-12-03T10:40:00Z')
       ON CONFLICT (occurrence_id, department) DO UPDATE SET acknowledged_at = EXCLUDED.acknowledged_at, acknowledged_by = EXCLUDED.acknowledged_by, on_scene_at = EXCLUDED.on_scene_at`, [a1]);
    // Cell B (e0 + 300): two FLOODING and one ROAD_DAMAGE, each group under k.
    await seed('FLOODING', 'CITIZEN', 310, 50, '2026-12-03T08:00:00Z');
    await seed('FLOODING', 'CITIZEN', 390, 10, '2026-12-03T08:30:00Z');
    await seed('ROAD_DAMAGE', 'CITIZEN', 350, 60, '2026-12-03T09:00:00Z');
    // Cell C: a building fire taken by an operator, not a citizen category: published alone.
    await seed('FIRE_BUILDING', 'OPERATOR', 655.5, 233.3, '2026-12-03T14:00:00Z');
    // Outside the day (Lisbon), and a merged duplicate: in no row.
    await seed('ROAD_DAMAGE', 'CITIZEN', 20, 20, '2026-12-02T23:59:59Z');
    const merged = await seed('ROAD_DAMAGE', 'CITIZEN', 30, 30, '2026-12-03T13:00:00Z');
    await api.db.query(`UPDATE occurrences SET status = 'MERGED' WHERE id = $1`, [merged]);

    const result = await service.generate(day());
    expect(result).toEqual({ kind: 'daily', period: DAY, rows: 4, suppressed: 3, changed: ['csv', 'geojson', 'parishes.csv'] });

    const { res, text } = await fetchText(`/open-data/occurrences/daily/${DAY}.csv`);
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...OPEN_ROW_FIELDS, 'cell_lon', 'cell_lat']);
    const objects = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    expect(objects.map((o) => o.category)).toEqual(['FIRE_BUILDING', 'ROAD_DAMAGE', 'ROAD_DAMAGE', 'ROAD_DAMAGE']);
    const resolved = objects.find((o) => o.status === 'RESOLVED');
    expect(resolved).toMatchObject({
      priority: 'P4', source_channel: 'CITIZEN', lead_department: 'MOBILITY', parish_name: 'Paranhos', cell_id: `CRS3763RES100mN${n0}E${e0}`,
      created_at: '2026-12-03T10:15:00Z', dispatched_at: '2026-12-03T10:20:00Z', acknowledged_at: '2026-12-03T10:22:00Z', on_scene_at: '2026-12-03T10:40:00Z', resolved_at: '2026-12-03T12:01:00Z',
    });
    expect(objects.filter((o) => o.cell_id === resolved!.cell_id)).toHaveLength(3);

    const parishes = parseCsv((await fetchText(`/open-data/occurrences/daily/${DAY}.parishes.csv`)).text);
    expect(parishes[0]).toEqual(['parish_code', 'parish_name', 'category', 'occurrences', 'suppressed']);
    const byCategory = Object.fromEntries(parishes.slice(1).map((r) => [r[2], [Number(r[3]), Number(r[4])]]));
    expect(byCategory).toEqual({ FIRE_BUILDING: [1, 0], FLOODING: [2, 2], ROAD_DAMAGE: [4, 1] });
  });

  it('cuts days at Lisbon midnight, summer time included', async () => {
    await seed('FIRE_VEHICLE', 'OPERATOR', 1450, 950, '2026-07-14T23:30:00Z');
    expect(await service.generate(parseOpenDataPeriod('daily', '2026-07-14')!)).toMatchObject({ rows: 0, suppressed: 0 });
    expect(await service.generate(parseOpenDataPeriod('daily', '2026-07-15')!)).toMatchObject({ rows: 1, suppressed: 0 });
    const [, row] = parseCsv((await fetchText('/open-data/occurrences/daily/2026-07-15.csv')).text);
    expect(row.slice(0, 2)).toEqual(['FIRE_VEHICLE', 'P2']);
    expect(row).toContain('2026-07-14T23:30:00Z');
  });

  it('anonymisation: no forbidden field, free text, id or exact coordinate in any file', async () => {
    await service.generate(parseOpenDataPeriod('monthly', '2026-12')!);
    const paths = ['csv', 'geojson', 'parishes.csv'].flatMap((f) => [`/open-data/occurrences/daily/${DAY}.${f}`, `/open-data/occurrences/monthly/2026-12.${f}`]);
    paths.push('/open-data/catalog.jsonld');
    const bodies = await Promise.all(paths.map(async (p) => (await fetchText(p)).text));
    const words = [...new Set(secrets.flatMap((s) => s.split(/[\s,:]+/)).filter((w) => w.length >= 6 && !/^(Paranhos)$/.test(w)))];
    expect(words.length).toBeGreaterThan(20);
    for (const [i, body] of bodies.entries()) {
      for (const s of [...secrets, ...words]) expect(body).not.toContain(s);
      expect(body).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
      // The data files carry no such field (the catalogue has a dct:description of its own).
      if (i < 6) for (const field of ['description', 'address', 'reporter', 'notes', 'reference', 'phone', 'email', '"id"', 'acknowledged_by', 'agente.mobilidade']) expect(body).not.toContain(field);
    }

    // Every published point is a cell centre, and none is (or is near) a stored position.
    const points: Array<[number, number, string]> = [];
    for (const i of [0, 1]) {
      const [header, ...rows] = parseCsv(bodies[i]);
      for (const r of rows) points.push([Number(r[header.indexOf('cell_lon')]), Number(r[header.indexOf('cell_lat')]), r[header.indexOf('cell_id')]]);
    }
    for (const i of [2, 3]) {
      for (const f of JSON.parse(bodies[i]).features as Array<{ geometry: { coordinates: [number, number] }; properties: Record<string, string> }>) {
        expect(Object.keys(f.properties)).toEqual([...OPEN_ROW_FIELDS]);
        points.push([f.geometry.coordinates[0], f.geometry.coordinates[1], f.properties.cell_id]);
      }
    }
    expect(points.length).toBe(2 * (4 + 5));
    const { rows: check } = await api.db.query(
      `SELECT c.i, ST_X(g) AS x, ST_Y(g) AS y,
              (SELECT min(ST_Distance(ST_Transform(o.location::geometry, 3763), g)) FROM occurrences o) AS nearest,
              (SELECT count(*) FROM occurrences o WHERE round(ST_X(o.location::geometry)::numeric, 6) = c.lon::numeric AND round(ST_Y(o.location::geometry)::numeric, 6) = c.lat::numeric) AS equal
         FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS c(lon, lat, i)
        CROSS JOIN LATERAL ST_Transform(ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326), 3763) AS g ORDER BY c.i`,
      [points.map((p) => p[0]), points.map((p) => p[1])],
    );
    for (const [i, r] of check.entries()) {
      const cx = Math.floor(r.x / 100) * 100;
      const cy = Math.floor(r.y / 100) * 100;
      expect(Math.abs(r.x - (cx + 50))).toBeLessThan(0.2);
      expect(Math.abs(r.y - (cy + 50))).toBeLessThan(0.2);
      expect(points[i][2]).toBe(`CRS3763RES100mN${cy}E${cx}`);
      expect(Number(r.nearest)).toBeGreaterThan(5);
      expect(Number(r.equal)).toBe(0);
    }
  });

  it('is idempotent: a re-run keeps the bytes and the one row per file; a change of facts updates it', async () => {
    const before = (await api.db.query(`SELECT format, sha256, modified_at FROM open_datasets WHERE kind = 'daily' AND period = $1 ORDER BY format`, [DAY])).rows;
    const csv1 = (await fetchText(`/open-data/occurrences/daily/${DAY}.csv`)).text;
    expect((await service.generate(day())).changed).toEqual([]);
    const job = await api.app.get(OpenDataJob).handle(GENERATE_JOB, new Date('2026-12-04T04:23:00Z'));
    expect(job.map((r) => r.period)).toEqual(['2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-11']);
    expect(job.find((r) => r.period === DAY)!.changed).toEqual([]);
    expect(job.find((r) => r.period === '2026-12-02')).toMatchObject({ rows: 0, suppressed: 1 });
    expect((await api.db.query(`SELECT format, sha256, modified_at FROM open_datasets WHERE kind = 'daily' AND period = $1 ORDER BY format`, [DAY])).rows).toEqual(before);
    expect(Number((await api.db.query(`SELECT count(*) FROM open_datasets WHERE kind = 'daily' AND period = $1`, [DAY])).rows[0].count)).toBe(3);
    expect((await fetchText(`/open-data/occurrences/daily/${DAY}.csv`)).text).toBe(csv1);

    // A late resolution reaches the file at the next run.
    await api.db.query(`UPDATE occurrences SET status = 'RESOLVED', resolved_at = '2026-12-05T09:00:00Z' WHERE category = 'FIRE_BUILDING'`);
    expect((await service.generate(day())).changed).toEqual(['csv', 'geojson']);
    const csv2 = (await fetchText(`/open-data/occurrences/daily/${DAY}.csv`)).text;
    expect(csv2).not.toBe(csv1);
    expect(csv2).toContain('2026-12-05T09:00:00Z');
  });

  it('serves the files publicly with their content types, ETag and caching; bad names are 400 naming the field', async () => {
    const csv = await fetchText(`/open-data/occurrences/daily/${DAY}.csv`);
    expect(csv.res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(csv.res.headers['cache-control']).toBe('public, max-age=3600');
    expect(csv.res.headers['etag']).toMatch(/^"[0-9a-f]{64}"$/);
    expect(csv.res.headers['last-modified']).toBeDefined();
    const again = await api.http().get(`/open-data/occurrences/daily/${DAY}.csv`).set('if-none-match', csv.res.headers['etag']);
    expect(again.status).toBe(304);
    const geo = await fetchText(`/open-data/occurrences/daily/${DAY}.geojson`);
    expect(geo.res.headers['content-type']).toBe('application/geo+json');
    expect(JSON.parse(geo.text).type).toBe('FeatureCollection');
    const month = await fetchText('/open-data/occurrences/monthly/2026-12.geojson');
    // The month also has 2 December's report, whose cell reaches k over the month.
    expect(JSON.parse(month.text).features).toHaveLength(5);
    const cat = await fetchText('/open-data/catalog.jsonld');
    expect(cat.res.status).toBe(200);
    expect(cat.res.headers['content-type']).toBe('application/ld+json; charset=utf-8');
    expect(cat.res.headers['cache-control']).toBe('public, max-age=300');
    expect((await api.http().get('/open-data/catalog.jsonld').set('if-none-match', cat.res.headers['etag'])).status).toBe(304);

    expect((await api.http().get('/open-data/occurrences/daily/2026-10-01.csv')).status).toBe(404);
    for (const [path, field] of [['daily/2026-02-30.csv', 'period'], ['monthly/2026-13.csv', 'period'], ['weekly/2026-12-03.csv', 'kind'], [`daily/${DAY}.xlsx`, 'format']]) {
      const bad = await api.http().get(`/open-data/occurrences/${path}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields).toEqual([expect.objectContaining({ field })]);
    }
  });

  it('an admin regenerates a period through the API; bad input is 400 naming the field, nothing stored', async () => {
    const admin = (body: object) => api.http().post('/api/v1/admin/open-data/generate').set('authorization', api.auth('admin')).send(body);
    const ok = await admin({ kind: 'monthly', period: '2026-10' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ kind: 'monthly', period: '2026-10', rows: 0, suppressed: 0, changed: ['csv', 'geojson', 'parishes.csv'] });
    expect((await admin({ kind: 'monthly', period: '2026-10' })).body.changed).toEqual([]);
    const before = await api.count('open_datasets');
    for (const [body, field] of [[{ kind: 'daily', period: '2026-02-30' }, 'period'], [{ kind: 'weekly', period: '2026-12-03' }, 'kind'], [{ kind: 'daily' }, 'period'], [{ kind: 'monthly', period: '2026-12-03' }, 'period']] as const) {
      const bad = await admin(body);
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    expect(await api.count('open_datasets')).toBe(before);
    expect((await api.http().post('/api/v1/admin/open-data/generate').set('authorization', api.auth('supervisor')).send({ kind: 'daily', period: DAY })).status).toBe(403);
  });

  it('the catalogue is DCAT-AP JSON-LD: a dataset per period, a distribution per file, CC BY 4.0', async () => {
    const doc = JSON.parse((await fetchText('/open-data/catalog.jsonld')).text);
    const expanded = await jsonld.expand(doc);
    const DCAT = 'http://www.w3.org/ns/dcat#';
    const DCT = 'http://purl.org/dc/terms/';
    const nodes = (await jsonld.flatten(expanded)) as unknown as Array<Record<string, unknown>>;
    expect(Array.isArray(nodes)).toBe(true);
    const ofType = (t: string) => nodes.filter((n) => (n['@type'] as string[] | undefined)?.includes(t));
    const ref = (n: Record<string, unknown>, p: string) => (n[p] as Array<{ '@id'?: string; '@value'?: string }> | undefined)?.map((v) => v['@id'] ?? v['@value']);
    expect(ofType(`${DCAT}Catalog`)).toHaveLength(1);
    const datasets = ofType(`${DCAT}Dataset`);
    expect(datasets.map((d) => d['@id']).sort()).toEqual([
      ...['2026-07-14', '2026-07-15', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03'].map((d) => `https://dados.example.pt/open-data/occurrences/daily/${d}`),
      'https://dados.example.pt/open-data/occurrences/monthly/2026-10',
      'https://dados.example.pt/open-data/occurrences/monthly/2026-11',
      'https://dados.example.pt/open-data/occurrences/monthly/2026-12',
    ]);
    const distributions = ofType(`${DCAT}Distribution`);
    expect(distributions).toHaveLength(3 * 12);
    for (const d of distributions) {
      expect(ref(d, `${DCT}license`)).toEqual([CC_BY_4]);
      expect(ref(d, `${DCAT}downloadURL`)).toEqual(ref(d, `${DCAT}accessURL`));
      expect(ref(d, `${DCAT}mediaType`)?.[0]).toMatch(/^https:\/\/www\.iana\.org\/assignments\/media-types\/(text\/csv|application\/geo\+json)$/);
      expect(ref(d, `${DCT}issued`)).toHaveLength(1);
      expect(ref(d, `${DCT}modified`)).toHaveLength(1);
    }
    const theDay = datasets.find((d) => (d['@id'] as string).endsWith(DAY))!;
    expect(ref(theDay, `${DCAT}distribution`)).toEqual(['csv', 'geojson', 'parishes.csv'].map((f) => `https://dados.example.pt/open-data/occurrences/daily/${DAY}.${f}#distribution`));
    const publisher = nodes.find((n) => n['@id'] === ref(theDay, `${DCT}publisher`)?.[0])!;
    expect(ref(publisher, 'http://xmlns.com/foaf/0.1/name')).toEqual(['Câmara Municipal do Porto']);
    const temporal = nodes.find((n) => n['@id'] === ref(theDay, `${DCT}temporal`)?.[0])!;
    expect(ref(temporal, `${DCAT}startDate`)).toEqual([DAY]);
    expect(ref(temporal, `${DCAT}endDate`)).toEqual([DAY]);
    expect(ref(theDay, `${DCT}spatial`)).toHaveLength(1);
    // The downloads of the catalogue are the files served.
    const csvUrl = new URL(ref(distributions.find((d) => ref(d, `${DCAT}downloadURL`)?.[0]?.endsWith(`${DAY}.csv`))!, `${DCAT}downloadURL`)![0]!);
    expect((await api.http().get(csvUrl.pathname)).status).toBe(200);
    // And it is RDF a harvester can read: N-Quads with the licence triple.
    const nquads = (await jsonld.toRDF(doc, { format: 'application/n-quads' })) as unknown as string;
    expect(nquads).toContain(`<https://dados.example.pt/open-data/occurrences/daily/${DAY}.csv#distribution> <${DCT}license> <${CC_BY_4}>`);
  });
});
