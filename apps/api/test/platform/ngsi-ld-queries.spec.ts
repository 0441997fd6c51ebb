import type { JsonObject } from '@cgi/domain';
import { ApiKeyService } from '../../src/auth/api-key.service';
import { PLACES, startApi, type ApiHarness } from '../../../../test/support/api-harness';
import { expectValidAlert, keyValuesOf } from './platform-support';

/** The CGI as an NGSI-LD context source: its occurrences as Alert entities, queried as the broker would. */
describe('GET /ngsi-ld/v1/entities (the CGI as a context source)', () => {
  let api: ApiHarness;
  let key: string;
  let notifyKey: string;
  const refs: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi();
    key = (await api.app.get(ApiKeyService).create('Plataforma Urbana (queries)', ['platform:read'], 'test')).key;
    notifyKey = (await api.app.get(ApiKeyService).create('Plataforma Urbana (broker)', ['platform:notify'], 'test')).key;
    const make = async (name: string, body: Record<string, unknown>): Promise<void> => {
      const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator')).send(body);
      expect(res.status).toBe(201);
      refs[name] = res.body.reference;
    };
    await make('fire', { category: 'FIRE_BUILDING', location: PLACES.campanha, description: 'Incêndio' });
    await make('flood', { category: 'FLOODING', location: PLACES.santaCatarina, description: 'Inundação' });
    await make('noise', { category: 'NOISE', source: 'CITIZEN', location: { lat: 41.164567, lon: -8.590596 }, description: 'Ruído do vizinho do 2.º' });
    await make('pothole', { category: 'ROAD_DAMAGE', location: PLACES.paranhos, description: 'Buraco' });
  });
  afterAll(() => api.close());

  const get = (url: string, headers: Record<string, string> = {}) => {
    const req = api.http().get(url).set('x-api-key', key);
    for (const [k, v] of Object.entries(headers)) void req.set(k, v);
    return req;
  };
  const id = (name: string): string => `urn:ngsi-ld:Alert:CGI-Porto:${refs[name]}`;
  const ids = (body: JsonObject[]): string[] => body.map((e) => String(e.id)).sort();

  it('answers one entity, normalized with the context in a Link header, valid against the FIWARE Alert schema', async () => {
    const res = await get(`/ngsi-ld/v1/entities/${encodeURIComponent(id('fire'))}`);
    expect(res.status).toBe(200);
    expect(res.headers.link).toMatch(/dataModel\.Alert\/master\/context\.jsonld>; rel="http:\/\/www\.w3\.org\/ns\/json-ld#context"/);
    expect(res.body.category).toEqual({ type: 'Property', value: 'security' });
    expect(res.body.location.type).toBe('GeoProperty');
    expectValidAlert(keyValuesOf(res.body));
    expect(JSON.stringify(res.body)).not.toMatch(/Incêndio/);
  });

  it('answers keyValues and application/ld+json with the @context when asked', async () => {
    const res = await get(`/ngsi-ld/v1/entities/${encodeURIComponent(id('flood'))}?options=keyValues`, { accept: 'application/ld+json' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/ld\+json/);
    expect(res.body['@context']).toEqual(expect.arrayContaining([expect.stringMatching(/ngsi-ld-core-context/)]));
    const { '@context': _ctx, ...kv } = res.body;
    void _ctx;
    expect(kv).toMatchObject({ type: 'Alert', category: 'weather', subCategory: 'flood', severity: 'high' });
    expectValidAlert(kv);
  });

  it('lists by type with q, paging and keyValues; every entity valid', async () => {
    const all = await get('/ngsi-ld/v1/entities?type=Alert&options=keyValues&limit=100');
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual(ids(Object.keys(refs).map((n) => ({ id: id(n) }))));
    for (const e of all.body) expectValidAlert(e);
    const weather = await get(`/ngsi-ld/v1/entities?type=Alert&q=${encodeURIComponent('category=="weather";severity=="high"')}&options=keyValues`);
    expect(ids(weather.body)).toEqual([id('flood')]);
    const notWeather = await get(`/ngsi-ld/v1/entities?type=Alert&q=${encodeURIComponent('category!="weather";data[status]=="DISPATCHED","NEW"')}&options=keyValues`);
    expect(ids(notWeather.body)).toEqual([id('fire'), id('noise'), id('pothole')].sort());
    const traffic = await get(`/ngsi-ld/v1/entities?type=Alert&q=${encodeURIComponent('subCategory=="pothole"')}`);
    expect(ids(traffic.body)).toEqual([id('pothole')]);
    const since = await get(`/ngsi-ld/v1/entities?type=Alert&q=${encodeURIComponent('dateIssued>=2000-01-01T00:00:00Z')}&limit=2&offset=1`);
    expect(since.body).toHaveLength(2);
    const other = await get('/ngsi-ld/v1/entities?type=WeatherObserved');
    expect(other.body).toEqual([]);
  });

  it('answers near geo-queries on the published point (a citizen report at its rounded point)', async () => {
    const [lon, lat] = [PLACES.campanha.lon, PLACES.campanha.lat];
    const near = await get(`/ngsi-ld/v1/entities?type=Alert&georel=${encodeURIComponent('near;maxDistance==300')}&geometry=Point&coordinates=${encodeURIComponent(JSON.stringify([lon, lat]))}&options=keyValues`);
    expect(near.status).toBe(200);
    expect(ids(near.body)).toEqual([id('fire')]);
    // The rounded point is 59 m from the exact one: a query at the exact point finds nothing within 40 m.
    const exact = await get(`/ngsi-ld/v1/entities?type=Alert&georel=${encodeURIComponent('near;maxDistance==40')}&geometry=Point&coordinates=${encodeURIComponent('[-8.590596,41.164567]')}`);
    const rounded = await get(`/ngsi-ld/v1/entities?type=Alert&georel=${encodeURIComponent('near;maxDistance==40')}&geometry=Point&coordinates=${encodeURIComponent('[-8.591,41.165]')}`);
    expect(exact.body).toEqual([]);
    expect(ids(rounded.body)).toEqual([id('noise')]);
    const far = await get(`/ngsi-ld/v1/entities?type=Alert&georel=${encodeURIComponent('near;minDistance==100000')}&geometry=Point&coordinates=${encodeURIComponent(JSON.stringify([lon, lat]))}`);
    expect(far.body).toEqual([]);
  });

  describe('errors in the ETSI ProblemDetails shape', () => {
    it.each([
      ['no type, id, q or geo-query', '/ngsi-ld/v1/entities', 'type'],
      ['a q on an attribute the Alerts do not have', `/ngsi-ld/v1/entities?type=Alert&q=${encodeURIComponent('temperature>30')}`, 'q'],
      ['an unquoted string in q', `/ngsi-ld/v1/entities?type=Alert&q=${encodeURIComponent('category==weather')}`, 'q'],
      ['OR in q (not supported)', `/ngsi-ld/v1/entities?type=Alert&q=${encodeURIComponent('category=="weather"|category=="traffic"')}`, 'q'],
      ['georel within (not supported)', `/ngsi-ld/v1/entities?type=Alert&georel=within&geometry=Polygon&coordinates=${encodeURIComponent('[[[-8.6,41.1],[-8.5,41.1],[-8.5,41.2],[-8.6,41.1]]]')}`, 'georel'],
      ['near without a distance', `/ngsi-ld/v1/entities?type=Alert&georel=near&geometry=Point&coordinates=${encodeURIComponent('[-8.6,41.1]')}`, 'georel'],
      ['bad coordinates', `/ngsi-ld/v1/entities?type=Alert&georel=${encodeURIComponent('near;maxDistance==10')}&geometry=Point&coordinates=x`, 'coordinates'],
      ['geometry without georel', '/ngsi-ld/v1/entities?type=Alert&geometry=Point&coordinates=%5B-8.6%2C41.1%5D', 'georel'],
      ['a limit over 1000', '/ngsi-ld/v1/entities?type=Alert&limit=5000', 'limit'],
      ['a negative offset', '/ngsi-ld/v1/entities?type=Alert&offset=-1', 'offset'],
      ['an unknown option', '/ngsi-ld/v1/entities?type=Alert&options=concise', 'options'],
      ['an unknown parameter', '/ngsi-ld/v1/entities?type=Alert&attrs=category', 'attrs'],
    ])('%s → 400 BadRequestData naming it', async (_what, url, field) => {
      const res = await get(url);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData', status: 400, fields: [{ field }] });
    });

    it('an unknown entity → 404 ResourceNotFound', async () => {
      const res = await get(`/ngsi-ld/v1/entities/${encodeURIComponent('urn:ngsi-ld:Alert:CGI-Porto:OC-1999-000001')}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ type: 'https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound', title: 'Not found', status: 404 });
    });

    it('authenticated: no key 401, a key without platform:read 403, a department agent 403; a CGI operator may read', async () => {
      expect((await api.http().get('/ngsi-ld/v1/entities?type=Alert')).status).toBe(401);
      expect((await api.http().get('/ngsi-ld/v1/entities?type=Alert').set('x-api-key', notifyKey)).status).toBe(403);
      expect((await api.http().get('/ngsi-ld/v1/entities?type=Alert').set('authorization', api.auth('fireAgent'))).status).toBe(403);
      expect((await api.http().get('/ngsi-ld/v1/entities?type=Alert').set('authorization', api.auth('operator'))).status).toBe(200);
    });
  });
});
