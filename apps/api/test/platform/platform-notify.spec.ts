import fc from 'fast-check';
import { ApiKeyService } from '../../src/auth/api-key.service';
import { PlatformMetrics } from '../../src/platform/platform-metrics';
import { startApi, type ApiHarness } from '../../../../test/support/api-harness';
import { ALERT_CONTEXT, ALERT_LINK, notification, PORTO, standardFile } from './platform-support';

/**
 * The Urban Platform's notifications in (issue 15): the broker's `Notification` bodies, normalized
 * and keyValues, application/json with a Link header and application/ld+json, against the real
 * API and PostgreSQL.
 */
describe('POST /ngsi-ld/v1/notify (Urban Platform notifications)', () => {
  let api: ApiHarness;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    api = await startApi();
    key = (await api.app.get(ApiKeyService).create('Plataforma Urbana (broker)', ['platform:notify'], 'test')).key;
    otherKey = (await api.app.get(ApiKeyService).create('Gabinete', ['occurrences:create'], 'test')).key;
  });
  afterAll(() => api.close());

  const post = (body: unknown, opts: { type?: string; link?: string; apiKey?: string } = {}) => {
    const req = api.http().post('/ngsi-ld/v1/notify').set('x-api-key', opts.apiKey ?? key).set('content-type', opts.type ?? 'application/json');
    if (opts.link) void req.set('link', opts.link);
    return req.send(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const occurrences = () => api.count('occurrences');
  const inPorto = <T extends Record<string, unknown>>(e: T, normalized = false): T => ({
    ...e,
    location: normalized ? { type: 'GeoProperty', value: { type: 'Point', coordinates: PORTO } } : { type: 'Point', coordinates: PORTO },
  });
  let seq = 0;
  const alert = (over: Record<string, unknown> = {}) => ({
    id: `urn:ngsi-ld:Alert:porto-test-${++seq}`,
    type: 'Alert',
    category: 'weather',
    subCategory: 'flood',
    severity: 'medium',
    location: { type: 'Point', coordinates: PORTO },
    dateIssued: '2026-12-04T03:00:00Z',
    alertSource: 'urn:ngsi-ld:Device:flood-sensor-7',
    description: 'Nível de água acima do limiar',
    ...over,
  });
  const rejectedCount = async (): Promise<number> =>
    (await api.app.get(PlatformMetrics).notified.get()).values.filter((v) => v.labels.outcome === 'rejected').reduce((s, v) => s + v.value, 0);

  describe("the Smart Data Models' own examples", () => {
    it('refuses the examples as published, naming the location: they are in Madrid, outside the CGI service area', async () => {
      const before = await occurrences();
      const res = await post(notification([standardFile('example.json')]), { link: ALERT_LINK });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('https://uri.etsi.org/ngsi-ld/errors/BadRequestData');
      expect(res.body.fields).toEqual([{ field: 'data[0].location', message: expect.stringMatching(/km outside the municipality of Porto/) }]);
      expect(await occurrences()).toBe(before);
    });

    it('takes example.json (keyValues, application/json + Link) moved to Porto: traffic/trafficJam high → ROAD_OBSTRUCTION P2 from source PLATFORM', async () => {
      const res = await post(notification([inPorto(standardFile('example.json'))]), { link: ALERT_LINK });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accepted: 1, replayed: 0, rejected: [] });
      const [row] = (await api.db.query(`SELECT category, priority, source, status, description FROM occurrences WHERE id = $1`, [res.body.occurrences[0].id])).rows;
      expect(row).toMatchObject({ category: 'ROAD_OBSTRUCTION', priority: 'P2', source: 'PLATFORM' });
      // P2 is a priority ROAD_OBSTRUCTION auto-dispatches for machine alarms: dispatched without triage.
      expect(row.status).toBe('DISPATCHED');
      expect(row.description).toContain('The road is completely blocked for 3kms');
      expect(row.description).toContain('Alert:1');
    });

    it('takes example.jsonld (application/ld+json, its own @context) and example-normalized.jsonld as the same alert: one occurrence', async () => {
      const before = await occurrences();
      const kv = inPorto(standardFile('example.jsonld'));
      const first = await post({ ...notification([kv]), '@context': ALERT_CONTEXT }, { type: 'application/ld+json' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ accepted: 1, replayed: 0 });
      const normalized = inPorto(standardFile('example-normalized.jsonld'), true);
      const second = await post({ ...notification([normalized]), '@context': ALERT_CONTEXT }, { type: 'application/ld+json' });
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ accepted: 0, replayed: 1 });
      expect(second.body.occurrences[0].id).toBe(first.body.occurrences[0].id);
      expect(await occurrences()).toBe(before + 1);
    });
  });

  it('reads the attributes by what the @context says they are: aliases and full IRIs come out as the model names', async () => {
    const SDM = 'https://smartdatamodels.org/dataModel.Alert/';
    const aliased = { id: `urn:ngsi-ld:Alert:aliased-${++seq}`, type: 'Alert', cat: 'traffic', sub: 'carAccident', sev: 'critical',
      location: { type: 'Point', coordinates: PORTO }, dateIssued: '2026-12-04T03:05:00Z', alertSource: 'urn:ngsi-ld:Camera:cam-9' };
    const iris = { id: `urn:ngsi-ld:Alert:iris-${++seq}`, type: `${SDM}Alert`, [`${SDM}category`]: 'weather', [`${SDM}subCategory`]: 'flood',
      location: { type: 'Point', coordinates: PORTO }, [`${SDM}dateIssued`]: '2026-12-04T03:06:00Z', [`${SDM}alertSource`]: 'urn:ngsi-ld:Device:s-2' };
    // "category" means something else in this sender's context: it must not be read as the Alert's category.
    const context = [...ALERT_CONTEXT, { cat: `${SDM}category`, sub: `${SDM}subCategory`, sev: `${SDM}severity`, category: 'https://example.org/vocab/category' }];
    const res = await post({ ...notification([aliased, iris, { ...alert(), category: 'weather' }]), '@context': context }, { type: 'application/ld+json' });
    expect(res.status).toBe(200);
    expect(res.body.rejected).toEqual([{ index: 2, id: expect.any(String), field: 'data[2].category', reason: 'is required' }]);
    const rows = (await api.db.query(`SELECT category, priority FROM occurrences WHERE id = ANY($1::uuid[]) ORDER BY created_at`, [res.body.occurrences.map((o: { id: string }) => o.id)])).rows;
    expect(rows).toEqual(expect.arrayContaining([{ category: 'TRAFFIC_ACCIDENT', priority: 'P1' }, expect.objectContaining({ category: 'FLOODING' })]));
    expect(rows).toHaveLength(2);
  });

  it('takes the same notification twice as one occurrence', async () => {
    const before = await occurrences();
    const body = notification([alert()]);
    const first = await post(body, { link: ALERT_LINK });
    const again = await post(body, { link: ALERT_LINK });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(first.body).toMatchObject({ accepted: 1, replayed: 0 });
    expect(again.body).toMatchObject({ accepted: 0, replayed: 1 });
    expect(again.body.occurrences[0].reference).toBe(first.body.occurrences[0].reference);
    expect(await occurrences()).toBe(before + 1);
  });

  it('takes the same alert issued again later (a new dateIssued) as a new occurrence', async () => {
    const before = await occurrences();
    const a = alert();
    await post(notification([a]), { link: ALERT_LINK });
    const res = await post(notification([{ ...a, dateIssued: '2026-12-04T03:30:00Z' }]), { link: ALERT_LINK });
    expect(res.body).toMatchObject({ accepted: 1 });
    expect(await occurrences()).toBe(before + 2);
  });

  it('stores the rest of a batch when one entity is bad, and counts and names the bad one', async () => {
    const before = await occurrences();
    const rejectedBefore = await rejectedCount();
    const bad = alert({ dateIssued: 'yesterday' });
    const res = await post(notification([alert(), bad, alert({ category: 'traffic', subCategory: 'carAccident' }), alert()]), { link: ALERT_LINK });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(3);
    expect(res.body.rejected).toEqual([{ index: 1, id: bad.id, field: 'data[1].dateIssued', reason: expect.stringMatching(/ISO 8601/) }]);
    expect(await occurrences()).toBe(before + 3);
    expect(await rejectedCount()).toBe(rejectedBefore + 1);
    const metrics = await api.http().get('/metrics');
    expect(metrics.text).toMatch(/platform_notified_entities_total\{type="Alert",outcome="rejected"\} \d+/);
  });

  it('stores the rest when one entity is not valid JSON-LD (the entities read together, then one by one), naming the bad one', async () => {
    const before = await occurrences();
    const res = await post(notification([alert(), alert({ category: { '@value': 1, '@language': 'pt' } }), alert({ category: 'traffic', subCategory: 'roadClosed' })]), { link: ALERT_LINK });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toEqual([{ index: 1, id: expect.any(String), field: 'data[1]', reason: expect.stringMatching(/not valid JSON-LD/) }]);
    expect(await occurrences()).toBe(before + 2);
  });

  it('reads normalized entities with only the core context (no Link header), by the default vocabulary', async () => {
    const res = await post(notification([{
      id: `urn:ngsi-ld:Alert:core-only-${++seq}`,
      type: 'Alert',
      category: { type: 'Property', value: 'environment' },
      subCategory: { type: 'Property', value: 'airPollution' },
      severity: { type: 'Property', value: 'high' },
      location: { type: 'GeoProperty', value: { type: 'Point', coordinates: PORTO } },
      dateIssued: { type: 'Property', value: { '@type': 'DateTime', '@value': '2026-12-04T02:00:00Z' } },
      alertSource: { type: 'Relationship', object: 'urn:ngsi-ld:AirQualityObserved:porto-boavista' },
    }]));
    expect(res.status).toBe(200);
    const [row] = (await api.db.query(`SELECT category, priority FROM occurrences WHERE id = $1`, [res.body.occurrences[0].id])).rows;
    expect(row).toEqual({ category: 'AIR_QUALITY_ALERT', priority: 'P2' }); // high, in the rule set's table
  });

  it('takes an Alert with no row in the table as OTHER, for CGI triage', async () => {
    const res = await post(notification([alert({ category: 'health', subCategory: 'heartAttack', severity: 'critical' })]), { link: ALERT_LINK });
    expect(res.status).toBe(200);
    const [row] = (await api.db.query(`SELECT category, status, routing FROM occurrences WHERE id = $1`, [res.body.occurrences[0].id])).rows;
    expect(row.category).toBe('OTHER');
    expect(row.status).toBe('NEW');
    expect(row.routing.result.needsTriage).toBe(true);
  });

  it('routes by the severity: a critical flood is P1 and dispatched at intake like a sensor alarm', async () => {
    const res = await post(notification([alert({ severity: 'critical' })]), { link: ALERT_LINK });
    const [row] = (await api.db.query(`SELECT priority, status, routing FROM occurrences WHERE id = $1`, [res.body.occurrences[0].id])).rows;
    expect(row.priority).toBe('P1');
    expect(row.status).toBe('DISPATCHED');
    expect(row.routing.fired.map((f: { rule: string }) => f.rule)).toEqual(expect.arrayContaining(['source-priority', 'auto-dispatch']));
  });

  it("does not take back the CGI's own Alerts that the broker notifies", async () => {
    const before = await occurrences();
    const res = await post(notification([alert({ alertSource: 'urn:ngsi-ld:Organization:CGI-Porto' }), alert({ id: 'urn:ngsi-ld:Alert:CGI-Porto:CGI-2026-000001' })]), { link: ALERT_LINK });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 0, own: 2 });
    expect(await occurrences()).toBe(before);
  });

  describe('Device entities → asset status', () => {
    const DEVICE_LINK = '<https://raw.githubusercontent.com/smart-data-models/dataModel.Device/master/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"';
    beforeAll(async () => {
      const res = await api.http().post('/api/v1/assets').set('authorization', api.auth('admin'))
        .send({ code: 'TL-NGSI-1', kind: 'TRAFFIC_LIGHT', name: 'Semáforo da Rua de Santa Catarina', department: 'MOBILITY', location: { lat: PORTO[1], lon: PORTO[0] } });
      expect(res.status).toBe(201);
    });

    it("reports the controlled asset's status: a failure opens its fault occurrence once, the same notification again changes nothing", async () => {
      const device = {
        id: 'urn:ngsi-ld:Device:tlc-ngsi-1', type: 'Device',
        deviceState: { type: 'Property', value: 'failure', observedAt: '2026-12-04T03:10:00Z' },
        controlledAsset: { type: 'Relationship', object: 'urn:ngsi-ld:TrafficLight:TL-NGSI-1' },
      };
      const before = await occurrences();
      const first = await post(notification([device]), { link: DEVICE_LINK });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ accepted: 1, rejected: [] });
      const [asset] = (await api.db.query(`SELECT status, status_source FROM assets WHERE code = 'TL-NGSI-1'`)).rows;
      expect(asset).toEqual({ status: 'FAULT', status_source: 'PLATFORM' });
      expect(await occurrences()).toBe(before + 1);
      const opened = (await api.db.query(
        `SELECT o.source, o.category FROM asset_occurrences l JOIN assets a ON a.id = l.asset_id JOIN occurrences o ON o.id = l.occurrence_id WHERE a.code = 'TL-NGSI-1'`,
      )).rows;
      expect(opened).toEqual([{ source: 'PLATFORM', category: 'TRAFFIC_LIGHT_FAULT' }]);
      const again = await post(notification([device]), { link: DEVICE_LINK });
      expect(again.body).toMatchObject({ accepted: 0, replayed: 1 });
      expect(await occurrences()).toBe(before + 1);
    });

    it('ignores entities of other types and refuses a Device of an asset the registry does not have, or of an unknown state, naming the field', async () => {
      const res = await post(notification([
        { id: 'urn:ngsi-ld:WeatherObserved:porto-1', type: 'WeatherObserved', temperature: 12 },
        { id: 'urn:ngsi-ld:Device:tl-9', type: 'Device', deviceState: 'failure', controlledAsset: 'urn:ngsi-ld:TrafficLight:TL-NOPE-9' },
        { id: 'urn:ngsi-ld:Device:tl-10', type: 'Device', deviceState: 'exploded' },
      ]), { link: DEVICE_LINK });
      expect(res.status).toBe(200);
      expect(res.body.ignored).toBe(1);
      expect(res.body.rejected).toEqual([
        { index: 1, id: 'urn:ngsi-ld:Device:tl-9', field: 'data[1].code', reason: expect.stringMatching(/TL-NOPE-9/) },
        { index: 2, id: 'urn:ngsi-ld:Device:tl-10', field: 'data[2].deviceState', reason: expect.stringMatching(/exploded/) },
      ]);
    });
  });

  describe('refusals in the ETSI ProblemDetails shape, nothing stored', () => {
    it.each([
      ['no API key → 401', { apiKey: '' }, 401],
      ['an API key without platform:notify → 403', { apiKey: 'other' }, 403],
    ])('%s', async (_what, opts, status) => {
      const before = await occurrences();
      const req = api.http().post('/ngsi-ld/v1/notify').set('content-type', 'application/json');
      if (opts.apiKey === 'other') void req.set('x-api-key', otherKey);
      const res = await req.send(JSON.stringify(notification([alert()])));
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ type: 'about:blank', status, detail: expect.any(String) });
      expect(await occurrences()).toBe(before);
    });

    it('a user token → 403 (only the broker notifies)', async () => {
      const res = await api.http().post('/ngsi-ld/v1/notify').set('authorization', api.auth('operator')).send(notification([alert()]));
      expect(res.status).toBe(403);
    });

    it.each([
      ['a remote context the CGI does not ship → 400 naming link', { link: '<https://example.org/ctx.jsonld>; rel="http://www.w3.org/ns/json-ld#context"' }, {}, 'link'],
      ['@context in an application/json body → 400 naming @context', {}, { '@context': ALERT_CONTEXT }, '@context'],
      ['application/ld+json without @context → 400 naming @context', { type: 'application/ld+json' }, {}, '@context'],
      ['no data → 400 naming data', {}, { data: [] }, 'data'],
      ['not a Notification → 400 naming type', {}, { type: 'Subscription' }, 'type'],
      ['a bad notifiedAt → 400 naming notifiedAt', {}, { notifiedAt: '04/12/2026' }, 'notifiedAt'],
    ])('%s (BadRequestData)', async (_what, opts, extra, field) => {
      const before = await occurrences();
      const res = await post({ ...notification([alert()]), ...extra }, opts as { type?: string; link?: string });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('https://uri.etsi.org/ngsi-ld/errors/BadRequestData');
      expect(res.body.fields[0].field).toBe(field);
      expect(await occurrences()).toBe(before);
    });

    it('malformed JSON → 400 InvalidRequest', async () => {
      const res = await post('{"type": "Notification", ', {});
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: 'https://uri.etsi.org/ngsi-ld/errors/InvalidRequest', fields: [{ field: 'body' }] });
    });

    it('a notification whose every entity is bad → 400 naming each', async () => {
      const res = await post(notification([alert({ category: 'weathr' }), alert({ location: { type: 'Point', coordinates: [-8.6, 'x'] } })]), { link: ALERT_LINK });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([
        { field: 'data[0].category', message: expect.stringMatching(/must be one of/) },
        { field: 'data[1].location.coordinates', message: expect.stringMatching(/position/) },
      ]);
    });
  });

  it('property-based: bodies that are not a valid notification get only 4xx and store nothing', async () => {
    const before = await occurrences();
    const field = fc.constantFrom('id', 'type', 'category', 'subCategory', 'severity', 'location', 'dateIssued', 'alertSource', 'description');
    const junk = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }));
    // An Alert with one required or typed field broken (removed or replaced by junk that is not valid there).
    const brokenAlert = fc.tuple(field, fc.option(junk, { nil: undefined }), fc.boolean()).map(([f, value, normalized]) => {
      const a: Record<string, unknown> = alert({ category: 'weather' });
      if (value === undefined) delete a[f];
      // Fields where any string (or nothing) would be valid get a value that never is.
      else if (['subCategory', 'description', 'alertSource', 'type'].includes(f)) a[f] = typeof value === 'number' || typeof value === 'boolean' ? value : 42;
      else if (typeof value === 'string') a[f] = f === 'id' ? ` ${value}` : `\u0000${value}`;
      else a[f] = value;
      if (['subCategory', 'description', 'severity'].includes(f)) delete a.category; // optional fields: the entity must fail anyway
      if (normalized) for (const k of Object.keys(a)) if (k !== 'id' && k !== 'type') a[k] = { type: 'Property', value: a[k] };
      return a;
    });
    const bodies = fc.oneof(
      fc.anything(),
      fc.array(brokenAlert, { minLength: 1, maxLength: 3 }).map((data) => notification(data)),
      fc.record({ id: junk, type: fc.constantFrom('Notification', 'notification', 'Alert'), subscriptionId: junk, notifiedAt: junk, data: fc.array(junk, { maxLength: 2 }) }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const res = await post(body === undefined ? 'undefined' : body, { link: ALERT_LINK });
        if (res.status < 400 || res.status >= 500) throw new Error(`${res.status} for ${JSON.stringify(body)?.slice(0, 300)}: ${JSON.stringify(res.body)}`);
      }),
      { numRuns: 150, seed: 15 },
    );
    expect(await occurrences()).toBe(before);
  });
});
