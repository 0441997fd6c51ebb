import { PLACES, type ApiHarness } from '../../../../test/support/api-harness';
import { createKey, expectValid, form, names, parseXml, startOpen311Api } from './open311-support';

const W3 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;
const REQUEST_FIELDS = [
  'address', 'address_id', 'agency_responsible', 'description', 'expected_datetime', 'lat', 'long', 'media_url',
  'requested_datetime', 'service_code', 'service_name', 'service_notice', 'service_request_id', 'status', 'status_notes',
  'updated_datetime', 'zipcode',
];

describe('Open311 GeoReport v2 conformance', () => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    api = await startOpen311Api();
    key = (await createKey(api)).key;
  });
  afterAll(() => api.close());

  const post = (format: 'json' | 'xml', fields: Record<string, string | number>) =>
    api.http().post(`/open311/v2/requests.${format}`).set('content-type', 'application/x-www-form-urlencoded; charset=utf-8').send(form(fields));
  const report = (fields: Record<string, string | number> = {}, format: 'json' | 'xml' = 'json') =>
    post(format, { api_key: key, service_code: 'ROAD_DAMAGE', lat: PLACES.santaCatarina.lat, long: PLACES.santaCatarina.lon, description: 'Buraco no pavimento', ...fields });
  const stored = async () => [await api.count('occurrences'), await api.count('open311_requests'), await api.count('occurrence_events')];

  function expectJsonError(res: { status: number; headers: Record<string, string>; body: unknown }, status: number, field: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const errors = res.body as Array<{ code: number; description: string }>;
    expect(Array.isArray(errors)).toBe(true);
    expect(errors.every((e) => typeof e.code === 'number' && typeof e.description === 'string')).toBe(true);
    expect(errors.some((e) => e.code === status && e.description.startsWith(`${field}:`))).toBe(true);
  }

  function expectXmlError(res: { status: number; headers: Record<string, string>; text: string }, status: number, field: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    const doc = parseXml(res.text, ['error']) as { errors: { error: Array<{ code: string; description: string }> } };
    expect(names(doc)).toEqual(['?xml', 'errors']);
    expect(names(doc.errors.error[0])).toEqual(['code', 'description']);
    expect(doc.errors.error.some((e) => e.code === String(status) && e.description.startsWith(`${field}:`))).toBe(true);
  }

  describe('discovery', () => {
    it('describes the endpoint in JSON and XML', async () => {
      const json = await api.http().get('/open311/v2/discovery.json');
      expect(json.status).toBe(200);
      expect(json.body.endpoints[0]).toMatchObject({
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: 'https://cgi.example.test/open311/v2',
        formats: ['text/xml', 'application/json'],
      });
      const xml = await api.http().get('/open311/v2/discovery.xml');
      const doc = parseXml(xml.text, ['endpoint', 'format']) as { discovery: { endpoints: { endpoint: Array<{ formats: { format: string[] } }> } } };
      expect(names(doc.discovery)).toEqual(['changeset', 'contact', 'endpoints', 'key_service']);
      expect(doc.discovery.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json']);
    });
  });

  describe('GET services', () => {
    it('lists the citizen-facing catalogue in Portuguese, valid against services.json', async () => {
      const res = await api.http().get('/open311/v2/services.json?jurisdiction_id=cm-porto.pt');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expectValid('services', res.body);
      const codes = (res.body as Array<{ service_code: string }>).map((s) => s.service_code);
      expect(codes).toContain('FALLEN_TREE');
      expect(codes).not.toContain('FIRE_BUILDING');
      expect(codes).not.toContain('AIR_QUALITY_ALERT');
      expect(res.body.find((s: { service_code: string }) => s.service_code === 'FALLEN_TREE')).toMatchObject({
        service_name: 'Queda de árvore', metadata: true, type: 'realtime',
      });
      expect(res.body.find((s: { service_code: string }) => s.service_code === 'WASTE_OVERFLOW').metadata).toBe(false);
    });

    it('answers the same list in XML with the specification element names', async () => {
      const res = await api.http().get('/open311/v2/services.xml');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
      const doc = parseXml(res.text, ['service']) as { services: { service: Array<Record<string, string>> } };
      expect(doc.services.service.length).toBe((await api.http().get('/open311/v2/services.json')).body.length);
      expect(names(doc.services.service[0])).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
      expect(doc.services.service.find((s) => s.service_code === 'FALLEN_TREE')?.service_name).toBe('Queda de árvore');
    });

    it('refuses another jurisdiction with 404 naming jurisdiction_id, in both formats', async () => {
      expectJsonError(await api.http().get('/open311/v2/services.json?jurisdiction_id=sfgov.org'), 404, 'jurisdiction_id');
      expectXmlError(await api.http().get('/open311/v2/services.xml?jurisdiction_id=sfgov.org'), 404, 'jurisdiction_id');
    });

    it('answers 404 for a format other than xml or json', async () => {
      expect((await api.http().get('/open311/v2/services.html')).status).toBe(404);
    });
  });

  describe('GET service definition', () => {
    it('defines the attributes of a category that needs them, valid against service-definition.json', async () => {
      const res = await api.http().get('/open311/v2/services/FLOODING.json');
      expect(res.status).toBe(200);
      expectValid('service-definition', res.body);
      expect(res.body.attributes.map((a: { code: string }) => a.code)).toEqual(['bloqueia_via', 'pessoas_em_risco']);
      const xml = parseXml((await api.http().get('/open311/v2/services/FLOODING.xml')).text, ['attribute', 'value']) as {
        service_definition: { attributes: { attribute: Array<Record<string, unknown> & { values?: { value: Array<Record<string, string>> } }> } };
      };
      expect(names(xml.service_definition)).toEqual(['attributes', 'service_code']);
      const [first] = xml.service_definition.attributes.attribute;
      expect(names(first)).toEqual(['code', 'datatype', 'datatype_description', 'description', 'order', 'required', 'values', 'variable']);
      expect(first.values!.value.map((v) => names(v))).toEqual([['key', 'name'], ['key', 'name']]);
    });

    it('answers 404 for an unknown or non-citizen service code, in both formats', async () => {
      expectJsonError(await api.http().get('/open311/v2/services/NOPE.json'), 404, 'service_code');
      expectXmlError(await api.http().get('/open311/v2/services/FIRE_BUILDING.xml'), 404, 'service_code');
    });
  });

  describe('POST requests', () => {
    it('creates a request from a form-encoded body and answers its id and notice (JSON)', async () => {
      const res = await report({
        jurisdiction_id: 'cm-porto.pt', email: 'maria@example.pt', first_name: 'Maria', last_name: 'Silva', phone: '+351912345678',
        account_id: 'acc-1', device_id: 'dev-1', address_string: 'Rua de Santa Catarina 312', media_url: 'https://fotos.example.pt/1.jpg',
      });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toHaveLength(1);
      const [created] = res.body;
      expect(created.service_request_id).toMatch(/^OC-\d{4}-\d{6}$/);
      expect(created).not.toHaveProperty('token');
      expect(created.account_id).toBe('acc-1');
      expect(created.service_notice).toContain(created.service_request_id);
      expect(created.status_url).toMatch(new RegExp(`^https://cgi\\.example\\.test/status/${created.service_request_id}\\?token=[A-Za-z0-9_-]{43}$`));
      const { rows } = await api.db.query(
        `SELECT o.source, o.status, o.address, r.media_url, r.account_id, c.name, c.email, c.phone
           FROM occurrences o JOIN open311_requests r ON r.occurrence_id = o.id JOIN reporter_contacts c ON c.occurrence_id = o.id
          WHERE o.reference = $1`,
        [created.service_request_id],
      );
      expect(rows).toEqual([{
        source: 'CITIZEN', status: 'NEW', address: 'Rua de Santa Catarina 312', media_url: 'https://fotos.example.pt/1.jpg',
        account_id: 'acc-1', name: 'Maria Silva', email: 'maria@example.pt', phone: '+351912345678',
      }]);
    });

    it('answers in XML with the specification element names', async () => {
      const res = await report({ lat: PLACES.paranhos.lat, long: PLACES.paranhos.lon }, 'xml');
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
      const doc = parseXml(res.text, ['request']) as { service_requests: { request: Array<Record<string, string>> } };
      expect(names(doc.service_requests.request[0])).toEqual(['account_id', 'service_notice', 'service_request_id', 'status_url']);
      expect(doc.service_requests.request[0].service_request_id).toMatch(/^OC-/);
    });

    it('turns the attributes of a service definition into routing flags', async () => {
      const res = await report({ service_code: 'FLOODING', 'attribute[bloqueia_via]': 'sim', 'attribute[pessoas_em_risco]': '12' });
      expect(res.status).toBe(201);
      const { rows } = await api.db.query(`SELECT blocks_traffic, people_at_risk, priority FROM occurrences WHERE reference = $1`, [res.body[0].service_request_id]);
      expect(rows).toEqual([{ blocks_traffic: true, people_at_risk: 12, priority: 'P1' }]);
    });

    it('takes api_key from the query string too', async () => {
      const res = await api.http().post(`/open311/v2/requests.json?api_key=${key}`).type('form')
        .send(form({ service_code: 'STREET_CLEANING', lat: PLACES.campanha.lat, long: PLACES.campanha.lon }));
      expect(res.status).toBe(201);
    });

    it.each([
      ['no api_key', { api_key: '' }, 403, 'api_key'],
      ['a wrong api_key', { api_key: 'cgi_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, 403, 'api_key'],
      ['no service_code', { service_code: '' }, 400, 'service_code'],
      ['an unknown service_code', { service_code: 'POTHOLE' }, 404, 'service_code'],
      ['an emergency category', { service_code: 'FIRE_BUILDING' }, 404, 'service_code'],
      ['another jurisdiction', { jurisdiction_id: 'sfgov.org' }, 404, 'jurisdiction_id'],
      ['a 4,001-character description', { description: 'x'.repeat(4001) }, 400, 'description'],
      ['an http media_url', { media_url: 'http://fotos.example.pt/1.jpg' }, 400, 'media_url'],
      ['a media_url that is no URL', { media_url: 'foto.jpg' }, 400, 'media_url'],
      ['a point in Matosinhos', { lat: PLACES.matosinhos.lat, long: PLACES.matosinhos.lon }, 400, 'lat'],
      ['a point in the Atlantic', { lat: PLACES.atlantic.lat, long: PLACES.atlantic.lon }, 400, 'long'],
      ['a latitude that is no number', { lat: 'norte' }, 400, 'lat'],
      ['no longitude', { long: '' }, 400, 'long'],
      ['a wrong attribute answer', { service_code: 'FLOODING', 'attribute[bloqueia_via]': 'talvez' }, 400, 'attribute[bloqueia_via]'],
      ['a malformed e-mail', { email: 'maria' }, 400, 'email'],
    ])('refuses %s with an Open311 error naming the field, storing nothing', async (_what, fields, status, field) => {
      const before = await stored();
      expectJsonError(await report(fields), status, field);
      expectXmlError(await report(fields, 'xml'), status, field);
      expect(await stored()).toEqual(before);
    });

    it('accepts exactly 4,000 characters of description', async () => {
      expect((await report({ description: 'y'.repeat(4000) })).status).toBe(201);
    });

    it('refuses a body over the size limit in the Open311 error shape, in both formats, storing nothing', async () => {
      const before = await stored();
      const big = { description: 'z'.repeat(300 * 1024) };
      // GeoReport v2 answers request errors with 400 (the API's own routes say 413).
      expectJsonError(await report(big), 400, 'body');
      expectXmlError(await report(big, 'xml'), 400, 'body');
      expect(await stored()).toEqual(before);
    });

    it('refuses a key without the occurrences:create scope with 403', async () => {
      const readOnly = await createKey(api, ['reference:read']);
      expectJsonError(await report({ api_key: readOnly.key }), 403, 'api_key');
    });
  });

  describe('GET requests and GET requests/{id}', () => {
    it('shows a request with the specification fields, valid against requests.json, in JSON and XML', async () => {
      const id = (await report({ address_string: 'Rua de Santa Catarina', email: 'ana@example.pt' })).body[0].service_request_id;
      const res = await api.http().get(`/open311/v2/requests/${id}.json?jurisdiction_id=cm-porto.pt`);
      expect(res.status).toBe(200);
      expectValid('requests', res.body);
      const [r] = res.body;
      expect(Object.keys(r).sort()).toEqual(REQUEST_FIELDS);
      expect(r).toMatchObject({ service_request_id: id, status: 'open', service_code: 'ROAD_DAMAGE', service_name: 'Pavimento danificado', address: 'Rua de Santa Catarina' });
      expect(r.requested_datetime).toMatch(W3);
      expect(r.updated_datetime).toMatch(W3);
      expect(JSON.stringify(res.body)).not.toContain('ana@example.pt');
      const xml = await api.http().get(`/open311/v2/requests/${id}.xml`);
      expect(xml.headers['content-type']).toBe('text/xml; charset=utf-8');
      const doc = parseXml(xml.text, ['request']) as { service_requests: { request: Array<Record<string, string>> } };
      expect(names(doc.service_requests.request[0])).toEqual(REQUEST_FIELDS);
      expect(doc.service_requests.request[0].service_request_id).toBe(id);
    });

    it('answers 404 for an unknown request id, in both formats', async () => {
      expectJsonError(await api.http().get('/open311/v2/requests/OC-2020-999999.json'), 404, 'service_request_id');
      expectXmlError(await api.http().get('/open311/v2/requests/nope.xml'), 404, 'service_request_id');
    });

    it('reports the status, notes for citizens, department and deadline as the request is worked on', async () => {
      const id = (await report({ service_code: 'FALLEN_TREE' })).body[0].service_request_id;
      const { rows: [{ id: occId }] } = await api.db.query(`SELECT id FROM occurrences WHERE reference = $1`, [id]);
      const cmd = (path: string, who: 'operator' | 'civilProtectionAgent', body: object = {}) =>
        api.http().post(`/api/v1/occurrences/${occId}/${path}`).set('authorization', api.auth(who)).send(body);
      expect((await cmd('triage', 'operator')).status).toBe(200);
      expect((await cmd('dispatch', 'operator')).status).toBe(200);
      await cmd('notes', 'civilProtectionAgent', { text: 'Equipa a caminho.', visibility: 'PUBLIC' });
      await cmd('notes', 'civilProtectionAgent', { text: 'interno', visibility: 'INTERNAL' });
      let [r] = (await api.http().get(`/open311/v2/requests/${id}.json`)).body;
      const { rows: [{ due, name }] } = await api.db.query(
        `SELECT a.resolve_due_at AS due, d.name FROM occurrence_assignments a JOIN departments d ON d.code = a.department
          WHERE a.occurrence_id = $1 AND a.role = 'LEAD'`, [occId],
      );
      expect(r).toMatchObject({ status: 'open', status_notes: 'Equipa a caminho.', agency_responsible: name });
      expect(Date.parse(r.expected_datetime)).toBe(Math.floor(due.getTime() / 1000) * 1000);
      expect(r.expected_datetime).toMatch(W3);
      expect((await cmd('acknowledge', 'civilProtectionAgent')).status).toBe(200);
      expect((await cmd('resolve', 'civilProtectionAgent', { note: 'feito', publicNote: 'A árvore foi removida.' })).status).toBe(200);
      [r] = (await api.http().get(`/open311/v2/requests/${id}.json`)).body;
      expect(r).toMatchObject({ status: 'closed', status_notes: 'A árvore foi removida.' });
      expectValid('request', r);
    });

    it('filters by service_request_id, service_code, status and dates', async () => {
      const a = (await report({ service_code: 'NOISE' })).body[0].service_request_id;
      const b = (await report({ service_code: 'VANDALISM' })).body[0].service_request_id;
      const ids = (q: string) => api.http().get(`/open311/v2/requests.json?${q}`).then((r) => {
        expect(r.status).toBe(200);
        expectValid('requests', r.body);
        return (r.body as Array<{ service_request_id: string }>).map((x) => x.service_request_id);
      });
      expect((await ids(`service_request_id=${a},${b}`)).sort()).toEqual([a, b].sort());
      expect(await ids('service_code=NOISE')).toEqual([a]);
      expect(await ids('service_code=NOISE,VANDALISM&status=open')).toEqual([b, a]);
      expect(await ids('service_code=NOISE&status=closed')).toEqual([]);
      expect(await ids('service_code=NOISE&start_date=2000-01-01T00:00:00Z&end_date=2000-02-01T00:00:00%2B01:00')).toEqual([]);
      const today = new Date();
      const start = new Date(today.getTime() - 86_400_000).toISOString();
      expect(await ids(`service_code=NOISE&start_date=${start}`)).toEqual([a]);
      const xml = await api.http().get('/open311/v2/requests.xml?service_code=NOISE');
      const doc = parseXml(xml.text, ['request']) as { service_requests: { request: Array<Record<string, string>> } };
      expect(doc.service_requests.request.map((r) => r.service_request_id)).toEqual([a]);
    });

    it.each([
      ['a range over 90 days', 'start_date=2025-01-01T00:00:00Z&end_date=2025-04-02T00:00:00Z', 'end_date'],
      ['a date without a time zone', 'start_date=2025-01-01T00:00:00', 'start_date'],
      ['an unknown status', 'status=pending', 'status'],
      ['a malformed request id', 'service_request_id=42', 'service_request_id'],
    ])('refuses %s with 400 naming the parameter', async (_what, q, field) => {
      expectJsonError(await api.http().get(`/open311/v2/requests.json?${q}`), 400, field);
      expectXmlError(await api.http().get(`/open311/v2/requests.xml?${q}`), 400, field);
    });

    it('returns at most 1,000 requests, newest first', async () => {
      const [{ id }] = (await api.db.query(`SELECT id FROM occurrences WHERE source = 'CITIZEN' LIMIT 1`)).rows;
      await api.db.query(
        `INSERT INTO occurrences (reference, category, priority, status, source, location, parish_code, description, lead_department,
            rule_set_version, routing, created_at, updated_at)
         SELECT 'OC-2001-' || lpad(g::text, 6, '0'), 'ILLEGAL_PARKING', priority, 'NEW', 'CITIZEN', location, parish_code, 'carro', lead_department,
            rule_set_version, routing, now() - interval '1 day', now() - interval '1 day'
           FROM occurrences, generate_series(1, 1001) g WHERE id = $1`,
        [id],
      );
      const res = await api.http().get('/open311/v2/requests.json?service_code=ILLEGAL_PARKING');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1000);
      const all = await api.http().get('/open311/v2/requests.json');
      expect(all.body).toHaveLength(1000);
      expect(Date.parse(all.body[0].requested_datetime)).toBeGreaterThan(Date.parse(all.body[999].requested_datetime));
    });
  });

  describe('GET tokens/{token}', () => {
    it('resolves a request token to its service_request_id, in JSON and XML', async () => {
      const id = (await report()).body[0].service_request_id;
      const { rows: [{ id: token }] } = await api.db.query(`SELECT id FROM occurrences WHERE reference = $1`, [id]);
      const res = await api.http().get(`/open311/v2/tokens/${token}.json`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ service_request_id: id, token }]);
      const doc = parseXml((await api.http().get(`/open311/v2/tokens/${token}.xml`)).text, ['request']) as { service_requests: { request: Array<Record<string, string>> } };
      expect(doc.service_requests.request[0]).toEqual({ service_request_id: id, token });
      expectJsonError(await api.http().get('/open311/v2/tokens/00000000-0000-0000-0000-000000000000.json'), 404, 'token');
      expectXmlError(await api.http().get('/open311/v2/tokens/abc.xml'), 404, 'token');
    });
  });
});

describe('Open311 rate limits', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startOpen311Api({ RATE_LIMIT_API_KEY_PER_MINUTE: '2', RATE_LIMIT_PUBLIC_IP_PER_MINUTE: '5' });
  });
  afterAll(() => api.close());

  it('limits each API key, then each IP, with an Open311 error and Retry-After', async () => {
    const { key } = await createKey(api);
    const send = () => api.http().post('/open311/v2/requests.json').type('form')
      .send(form({ api_key: key, service_code: 'ROAD_DAMAGE', lat: PLACES.paranhos.lat, long: PLACES.paranhos.lon }));
    expect((await send()).status).toBe(201);
    expect((await send()).status).toBe(201);
    const limited = await send();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.body[0].code).toBe(429);
    expect(await api.count('occurrences')).toBe(2);
    // 3 requests from this IP so far; the 6th of the minute is refused.
    expect((await api.http().get('/open311/v2/services.json')).status).toBe(200);
    expect((await api.http().get('/open311/v2/services.json')).status).toBe(200);
    const ip = await api.http().get('/open311/v2/services.xml');
    expect(ip.status).toBe(429);
    expect(ip.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(ip.text).toContain('<code>429</code>');
  });
});
