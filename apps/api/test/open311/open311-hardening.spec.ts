import { randomBytes } from 'node:crypto';
import { PLACES, type ApiHarness } from '../../../../test/support/api-harness';
import { createKey, expectValid, form, parseXml, startOpen311Api } from './open311-support';

/** LG CRUZINHO 26 (INE address point, Aldoar/Foz/Nevogilde). */
const CRUZINHO = { lat: 41.153171, lon: -8.631034, address: 'LG CRUZINHO 26' };

describe('Open311 hardening: retries, bad input, service codes, privacy', () => {
  let api: ApiHarness;
  let key: string;
  let keyId: string;
  beforeAll(async () => {
    api = await startOpen311Api();
    ({ key, id: keyId } = await createKey(api));
  });
  afterAll(() => api.close());

  const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
  const raw = (format: 'json' | 'xml', body: string | Buffer, type = FORM, headers: Record<string, string> = {}) => {
    const req = api.http().post(`/open311/v2/requests.${format}`).set('content-type', type);
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    // Bytes as they are (superagent would re-encode a Buffer as form fields).
    if (Buffer.isBuffer(body)) req.serialize((b: unknown) => b as string);
    return req.send(body);
  };
  const fields = (extra: Record<string, string | number> = {}, apiKey = key) => ({
    api_key: apiKey, service_code: 'ROAD_DAMAGE', lat: PLACES.santaCatarina.lat, long: PLACES.santaCatarina.lon, description: 'Buraco no pavimento', ...extra,
  });
  const post = (extra: Record<string, string | number> = {}, headers: Record<string, string> = {}, format: 'json' | 'xml' = 'json', apiKey = key) =>
    raw(format, form(fields(extra, apiKey)), FORM, headers);
  const stored = async () => [
    await api.count('occurrences'), await api.count('open311_requests'), await api.count('occurrence_events'), await api.count('status_page_tokens'),
  ];

  function expectError(res: { status: number; headers: Record<string, string>; body: unknown; text: string }, status: number, field: string, format: 'json' | 'xml' = 'json'): void {
    expect(res.status).toBe(status);
    if (format === 'json') {
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const errors = res.body as Array<{ code: number; description: string }>;
      expect(errors.some((e) => e.code === status && e.description.startsWith(`${field}:`))).toBe(true);
    } else {
      expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
      const doc = parseXml(res.text, ['error']) as { errors: { error: Array<{ code: string; description: string }> } };
      expect(doc.errors.error.some((e) => e.code === String(status) && e.description.startsWith(`${field}:`))).toBe(true);
    }
  }

  describe('Idempotency-Key on POST requests', () => {
    it('stores a retried request once and answers the same service_request_id, marked as replayed', async () => {
      const idem = `gm-${randomBytes(6).toString('hex')}`;
      const first = await post({ account_id: 'acc-7' }, { 'idempotency-key': idem });
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const before = await stored();
      const again = await post({ account_id: 'acc-7' }, { 'idempotency-key': idem });
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body[0].service_request_id).toBe(first.body[0].service_request_id);
      expect(again.body[0].service_notice).toBe(first.body[0].service_notice);
      expect(again.body[0].account_id).toBe('acc-7');
      expect(await stored()).toEqual(before);
      const { rows } = await api.db.query(`SELECT count(*)::int AS n FROM occurrences WHERE reference = $1`, [first.body[0].service_request_id]);
      expect(rows[0].n).toBe(1);
      // The retry's status link works (the first answer's was never received); the first no longer does.
      const link = new URL(again.body[0].status_url as string);
      expect((await api.http().get(`${link.pathname}${link.search}`)).status).toBe(200);
      const old = new URL(first.body[0].status_url as string);
      expect((await api.http().get(`${old.pathname}${old.search}`)).status).toBe(404);
      // XML answers the same request.
      const xml = await post({ account_id: 'acc-7' }, { 'idempotency-key': idem }, 'xml');
      const doc = parseXml(xml.text, ['request']) as { service_requests: { request: Array<Record<string, string>> } };
      expect(doc.service_requests.request[0].service_request_id).toBe(first.body[0].service_request_id);
    });

    it('keeps one request when the same key arrives twice at once', async () => {
      const idem = `race-${randomBytes(6).toString('hex')}`;
      const before = await api.count('occurrences');
      const [a, b] = await Promise.all([post({}, { 'idempotency-key': idem }), post({}, { 'idempotency-key': idem })]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body[0].service_request_id).toBe(b.body[0].service_request_id);
      expect(await api.count('occurrences')).toBe(before + 1);
    });

    it('scopes keys by API key: two clients with the same key get two requests', async () => {
      const other = await createKey(api);
      const idem = `shared-${randomBytes(6).toString('hex')}`;
      const before = await api.count('open311_requests');
      const mine = await post({}, { 'idempotency-key': idem });
      const theirs = await post({}, { 'idempotency-key': idem }, 'json', other.key);
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.headers['idempotent-replayed']).toBeUndefined();
      expect(theirs.body[0].service_request_id).not.toBe(mine.body[0].service_request_id);
      expect(await api.count('open311_requests')).toBe(before + 2);
      const { rows } = await api.db.query(
        `SELECT r.api_key_id FROM occurrences o JOIN open311_requests r ON r.occurrence_id = o.id WHERE o.reference = ANY($1::text[]) ORDER BY r.api_key_id`,
        [[mine.body[0].service_request_id, theirs.body[0].service_request_id]],
      );
      expect(rows.map((r: { api_key_id: string }) => r.api_key_id).sort()).toEqual([keyId, other.id].sort());
    });

    it('refuses a malformed Idempotency-Key with 400 naming it, storing nothing', async () => {
      const before = await stored();
      expectError(await post({}, { 'idempotency-key': 'x'.repeat(256) }), 400, 'Idempotency-Key');
      expectError(await post({}, { 'idempotency-key': 'com espaço' }, 'xml'), 400, 'Idempotency-Key', 'xml');
      expect(await stored()).toEqual(before);
    });
  });

  describe('bad input answers 4xx naming the field, storing nothing', () => {
    it.each(['description', 'first_name', 'last_name', 'address_string', 'address_id', 'account_id', 'device_id', 'email', 'phone', 'media_url', 'service_code', 'lat'])(
      'a NUL byte in %s → 400 naming it',
      async (field) => {
        const before = await stored();
        const value = field === 'lat' ? '41.1\u00005' : field === 'service_code' ? 'ROAD\u0000_DAMAGE' : 'abc\u0000def';
        expectError(await post({ [field]: value }), 400, field);
        expectError(await post({ [field]: value }, {}, 'xml'), 400, field, 'xml');
        expect(await stored()).toEqual(before);
      },
    );

    it('a NUL byte in an attribute answer → 400 naming it', async () => {
      const before = await stored();
      expectError(await post({ service_code: 'FLOODING', 'attribute[bloqueia_via]': 'sim\u0000' }), 400, 'attribute[bloqueia_via]');
      expect(await stored()).toEqual(before);
    });

    it.each([
      ['with a non-string value', JSON.stringify({ api_key: 'K', service_code: 'ILLEGAL_PARKING', lat: 41.1575, long: -8.6181 })],
      ['with strings only', JSON.stringify({ service_code: 'ILLEGAL_PARKING', lat: '41.1575', long: '-8.6181', description: 'Carro' })],
    ])('a JSON body %s → 415 naming content-type', async (_what, body) => {
      const before = await stored();
      const withKey = body.replace('"K"', JSON.stringify(key)).replace('{"service_code"', `{"api_key":${JSON.stringify(key)},"service_code"`);
      expectError(await raw('json', withKey, 'application/json'), 415, 'content-type');
      expectError(await raw('xml', withKey, 'application/json'), 415, 'content-type', 'xml');
      expect(await stored()).toEqual(before);
    });

    it('a text/plain or multipart body → 415 naming content-type', async () => {
      const before = await stored();
      expectError(await raw('json', form(fields()), 'text/plain'), 415, 'content-type');
      expectError(await raw('xml', '--b\r\n\r\n--b--', 'multipart/form-data; boundary=b'), 415, 'content-type', 'xml');
      expect(await stored()).toEqual(before);
    });

    it.each([
      ['a malformed escape', 'description=Buraco%ZZfundo', 'description'],
      ['a truncated escape', 'description=Buraco%2', 'description'],
      ['a Latin-1 escape (not UTF-8)', 'address_string=Pra%E7a', 'address_string'],
      ['a malformed escape in a name', 'descri%ZZption=x', 'body'],
    ])('%s → 400 naming the field', async (_what, bad, field) => {
      const before = await stored();
      const rest = Object.fromEntries(Object.entries(fields()).filter(([k]) => k !== 'description'));
      const body = `${form(rest)}&${bad}`;
      expectError(await raw('json', body), 400, field);
      expectError(await raw('xml', body), 400, field, 'xml');
      expect(await stored()).toEqual(before);
    });

    it('raw bytes that are not UTF-8 → 400 naming the body', async () => {
      const before = await stored();
      const body = Buffer.concat([Buffer.from(`${form(fields())}&address_string=Pra`), Buffer.from([0xe7]), Buffer.from('a')]);
      expectError(await raw('json', body), 400, 'body');
      expect(await stored()).toEqual(before);
    });

    it('still stores correctly encoded UTF-8 text as sent', async () => {
      const res = await post({ description: 'Praça — 50% do passeio', address_string: 'Praça da Batalha' });
      expect(res.status).toBe(201);
      const { rows } = await api.db.query(`SELECT description, address FROM occurrences WHERE reference = $1`, [res.body[0].service_request_id]);
      expect(rows).toEqual([{ description: 'Praça — 50% do passeio', address: 'Praça da Batalha' }]);
    });
  });

  describe('every service_code GET requests shows resolves', () => {
    it('resolves a code given by triage (FIRE_VEGETATION), without attributes, while POST still refuses it', async () => {
      const id = (await post({ service_code: 'FALLEN_TREE' })).body[0].service_request_id as string;
      const { rows: [{ id: occId }] } = await api.db.query(`SELECT id FROM occurrences WHERE reference = $1`, [id]);
      const triage = await api.http().post(`/api/v1/occurrences/${occId}/triage`).set('authorization', api.auth('operator')).send({ category: 'FIRE_VEGETATION' });
      expect(triage.status).toBe(200);
      const list = await api.http().get('/open311/v2/requests.json');
      expect(list.status).toBe(200);
      const codes = [...new Set((list.body as Array<{ service_code: string }>).map((r) => r.service_code))];
      expect(codes).toContain('FIRE_VEGETATION');
      for (const code of codes) {
        const def = await api.http().get(`/open311/v2/services/${code}.json`);
        expect([code, def.status]).toEqual([code, 200]);
        expectValid('service-definition', def.body);
      }
      const def = await api.http().get('/open311/v2/services/FIRE_VEGETATION.json');
      expect(def.body).toEqual({ service_code: 'FIRE_VEGETATION', attributes: [] });
      expect((await api.http().get('/open311/v2/services/FIRE_VEGETATION.xml')).status).toBe(200);
      expectError(await post({ service_code: 'FIRE_VEGETATION' }), 404, 'service_code');
      // A code no request shows is still unknown.
      expect((await api.http().get('/open311/v2/services/FIRE_BUILDING.json')).status).toBe(404);
    });
  });

  describe("citizens' words are not public until the CGI makes them so", () => {
    const get = (id: string, apiKey?: string, format: 'json' | 'xml' = 'json') =>
      api.http().get(`/open311/v2/requests/${id}.${format}${apiKey ? `?api_key=${encodeURIComponent(apiKey)}` : ''}`);
    const inList = async (id: string, apiKey?: string) => {
      const res = await api.http().get(`/open311/v2/requests.json?service_request_id=${id}${apiKey ? `&api_key=${encodeURIComponent(apiKey)}` : ''}`);
      expect(res.status).toBe(200);
      expectValid('requests', res.body);
      return res.body[0] as Record<string, unknown>;
    };
    let id: string;
    let occId: string;
    beforeAll(async () => {
      const res = await post({
        service_code: 'ILLEGAL_PARKING', lat: CRUZINHO.lat, long: CRUZINHO.lon, address_string: CRUZINHO.address, address_id: 'INE-4150-251-26',
        description: 'O vizinho do 26 estaciona sempre no passeio', media_url: 'https://fotos.example.pt/vizinho.jpg',
      });
      expect(res.status).toBe(201);
      id = res.body[0].service_request_id;
      occId = (await api.db.query(`SELECT id FROM occurrences WHERE reference = $1`, [id])).rows[0].id;
    });

    it('anonymous readers get the service, status, notes, dates and the street, never the description or the house', async () => {
      const other = await createKey(api);
      for (const r of [(await get(id)).body[0], await inList(id), (await get(id, other.key)).body[0], await inList(id, other.key)]) {
        expectValid('request', r);
        expect(r).toMatchObject({
          service_request_id: id, service_code: 'ILLEGAL_PARKING', status: 'open', description: null,
          address: 'LG CRUZINHO', address_id: null, media_url: null, lat: 41.153, long: -8.631,
        });
        expect(r.service_name).toEqual(expect.any(String));
        expect(r.requested_datetime).toEqual(expect.any(String));
        expect(JSON.stringify(r)).not.toMatch(/vizinho|CRUZINHO 26|INE-/);
      }
      const xml = await get(id, undefined, 'xml');
      expect(xml.status).toBe(200);
      expect(xml.text).not.toContain('vizinho');
      expect(xml.text).not.toContain('LG CRUZINHO 26');
      expect(xml.text).toContain('<address>LG CRUZINHO</address>');
      const all = await api.http().get('/open311/v2/requests.json');
      expect(JSON.stringify(all.body)).not.toContain('vizinho');
    });

    it('the API key that sent the report gets it whole', async () => {
      for (const r of [(await get(id, key)).body[0], await inList(id, key)]) {
        expect(r).toMatchObject({
          description: 'O vizinho do 26 estaciona sempre no passeio', address: 'LG CRUZINHO 26', address_id: 'INE-4150-251-26',
          media_url: 'https://fotos.example.pt/vizinho.jpg', lat: CRUZINHO.lat, long: CRUZINHO.lon,
        });
      }
    });

    it('refuses a wrong api_key on GET with 403 rather than answering it as the public', async () => {
      expectError(await get(id, 'cgi_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 403, 'api_key');
    });

    it('an operator makes the report public (audited); then everyone gets the description; withdrawing hides it again', async () => {
      const path = `/api/v1/occurrences/${occId}/publication`;
      expect((await api.http().post(path).set('authorization', api.auth('viewer')).send({ descriptionPublic: true })).status).toBe(403);
      expect((await api.http().post(path).set('authorization', api.auth('environmentAgent')).send({ descriptionPublic: true })).status).toBe(403);
      const bad = await api.http().post(path).set('authorization', api.auth('operator')).send({ descriptionPublic: 'sim' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toContain('descriptionPublic');
      expect((await get(id)).body[0].description).toBeNull();

      const made = await api.http().post(path).set('authorization', api.auth('operator')).send({ descriptionPublic: true });
      expect(made.status).toBe(200);
      expect(made.body).toMatchObject({ occurrenceId: occId, reference: id, descriptionPublic: true, publicBy: expect.stringContaining('CGI_OPERATOR') });
      expect((await api.http().get(path).set('authorization', api.auth('supervisor'))).body.descriptionPublic).toBe(true);
      const [r] = (await get(id)).body;
      expectValid('request', r);
      expect(r).toMatchObject({ description: 'O vizinho do 26 estaciona sempre no passeio', address: 'LG CRUZINHO 26', lat: CRUZINHO.lat, long: CRUZINHO.lon });
      const { rows } = await api.db.query(`SELECT actor, action FROM security_audit_log WHERE target = $1 ORDER BY id`, [`occurrence:${occId}`]);
      expect(rows).toEqual([{ actor: made.body.publicBy, action: 'REPORT_MADE_PUBLIC' }]);

      const withdrawn = await api.http().post(path).set('authorization', api.auth('supervisor')).send({ descriptionPublic: false });
      expect(withdrawn.body).toMatchObject({ descriptionPublic: false, publicAt: null, publicBy: null });
      expect((await get(id)).body[0]).toMatchObject({ description: null, address: 'LG CRUZINHO' });
      expect((await get(id, key)).body[0].description).toBe('O vizinho do 26 estaciona sempre no passeio');
      const audit = await api.db.query(`SELECT action FROM security_audit_log WHERE target = $1 ORDER BY id`, [`occurrence:${occId}`]);
      expect(audit.rows.map((x: { action: string }) => x.action)).toEqual(['REPORT_MADE_PUBLIC', 'REPORT_WITHDRAWN_FROM_PUBLIC']);
    });

    it('answers 404 for an unknown occurrence', async () => {
      const res = await api.http().post('/api/v1/occurrences/00000000-0000-4000-8000-000000000000/publication')
        .set('authorization', api.auth('operator')).send({ descriptionPublic: true });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'Occurrence not found' });
      const get404 = await api.http().get('/api/v1/occurrences/00000000-0000-4000-8000-000000000000/publication').set('authorization', api.auth('operator'));
      expect(get404.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'Occurrence not found' });
    });
  });
});
