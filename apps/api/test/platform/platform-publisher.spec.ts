import type { JsonObject } from '@cgi/domain';
import { PlatformMetrics } from '../../src/platform/platform-metrics';
import { PlatformSubscriptionsService } from '../../src/platform/platform-subscriptions.service';
import { PLACES, startApi, type ApiHarness } from '../../../../test/support/api-harness';
import { until } from '../../../../test/support/live-client';
import { expectValidAlert, keyValuesOf, startRecorder, type Recorded } from './platform-support';

const isUpsert = (r: Recorded): boolean => r.method === 'POST' && r.url === '/ngsi-ld/v1/entityOperations/upsert';
const entitiesOf = (r: Recorded): JsonObject[] => r.body as JsonObject[];

/**
 * The publisher (occurrences → Alert entities at the broker) against a recorder HTTP server
 * standing in for the context broker — a fake only because Orion-LD cannot be installed here —
 * with the real API, PostgreSQL and event log.
 */
describe('Urban Platform publisher: occurrences → NGSI-LD Alert upserts', () => {
  let api: ApiHarness;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  /** Upserts the recorder fails on purpose (503) before it takes them again. */
  let failNext = 0;
  /** Upserts the recorder answers 207, refusing their first entity (a broker's per-entity error). */
  let refuseNext = 0;
  const answered = new Map<Recorded, number>();

  beforeAll(async () => {
    recorder = await startRecorder((r) => {
      if (isUpsert(r) && refuseNext > 0) {
        refuseNext--;
        answered.set(r, 207);
        const [first, ...rest] = entitiesOf(r).map((e) => String(e.id));
        return { status: 207, body: { success: rest, errors: [{ entityId: first, error: { type: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData', title: 'Bad request', detail: 'refused by the test' } }] } };
      }
      const status = isUpsert(r) && failNext > 0 ? (failNext--, 503) : isUpsert(r) ? 204 : 404;
      answered.set(r, status);
      return { status };
    });
    api = await startApi({
      PLATFORM_BROKER_URL: recorder.url,
      PLATFORM_PUBLISH_POLL_MS: '50',
      PLATFORM_PUBLISH_BACKOFF_MS: '40',
      PLATFORM_PUBLISH_BACKOFF_MAX_MS: '200',
    });
  });
  afterAll(async () => {
    await api.close();
    await recorder.close();
  });

  const upserts = (): Recorded[] => recorder.requests.filter(isUpsert);
  const delivered = (): Recorded[] => upserts().filter((r) => answered.get(r) === 204);
  const deliveredIds = (): Set<string> => new Set(delivered().flatMap((r) => entitiesOf(r).map((e) => String(e.id))));
  const intake = async (body: Record<string, unknown>): Promise<{ id: string; reference: string }> => {
    const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator')).send(body);
    expect(res.status).toBe(201);
    return res.body;
  };
  const alertId = (reference: string): string => `urn:ngsi-ld:Alert:CGI-Porto:${reference}`;

  it('upserts every new occurrence as an Alert valid against the FIWARE schema, with nothing personal, a citizen report at a coarsened point', async () => {
    const fire = await intake({ category: 'FIRE_BUILDING', location: PLACES.campanha, description: 'Fumo no 3.º andar, Sr. Silva', reporter: { name: 'Rui', phone: '+351912345678' } });
    const citizen = await intake({ category: 'ROAD_DAMAGE', source: 'CITIZEN', location: { lat: 41.164567, lon: -8.590596 }, description: 'Buraco à porta do n.º 26' });
    await until('both Alerts upserted', () => deliveredIds().has(alertId(fire.reference)) && deliveredIds().has(alertId(citizen.reference)));
    const sent = delivered().flatMap(entitiesOf);
    for (const e of sent) expectValidAlert(keyValuesOf(e));
    const text = JSON.stringify(sent);
    expect(text).not.toMatch(/Silva|Rui|912345678|Buraco|n\.º 26/);
    const req = delivered()[0];
    expect(req.headers['content-type']).toBe('application/ld+json');
    const fireAlert = keyValuesOf(sent.find((e) => e.id === alertId(fire.reference))!);
    expect(fireAlert).toMatchObject({ type: 'Alert', category: 'security', subCategory: 'buildingFire', severity: 'critical', alertSource: 'urn:ngsi-ld:Organization:CGI-Porto' });
    const citizenAlert = keyValuesOf(sent.find((e) => e.id === alertId(citizen.reference))!);
    expect(citizenAlert.location).toEqual({ type: 'Point', coordinates: [-8.591, 41.165] });
    expect(citizenAlert).toMatchObject({ category: 'traffic', subCategory: 'pothole', data: { status: 'NEW', open: true } });
  });

  it('sends the new state after a lifecycle change, and retries after the broker fails, without doubling a state it took', async () => {
    const occ = await intake({ category: 'OTHER', location: PLACES.paranhos, description: 'A classificar' });
    await until('the new occurrence upserted', () => deliveredIds().has(alertId(occ.reference)));
    const before = upserts().length;
    failNext = 2;
    const triage = await api.http().post(`/api/v1/occurrences/${occ.id}/triage`).set('authorization', api.auth('operator')).send({ category: 'FLOODING' });
    expect(triage.status).toBe(200);
    const triaged = (): JsonObject[] => delivered().flatMap(entitiesOf).filter((e) => e.id === alertId(occ.reference) && (keyValuesOf(e).data as JsonObject).category === 'FLOODING');
    await until('the triaged state upserted after two refusals', () => triaged().length > 0);
    const attempts = upserts().slice(before).filter((r) => entitiesOf(r).some((e) => e.id === alertId(occ.reference)));
    expect(attempts.map((r) => answered.get(r))).toEqual([503, 503, 204]);
    // The same batch was sent again: the refused bodies and the taken one carry the same entity state.
    const bodies = attempts.map((r) => JSON.stringify(entitiesOf(r).find((e) => e.id === alertId(occ.reference))));
    expect(new Set(bodies).size).toBe(1);
    expectValidAlert(keyValuesOf(triaged()[0]));
    expect(keyValuesOf(triaged()[0])).toMatchObject({ category: 'weather', subCategory: 'flood', data: { status: 'TRIAGED' } });
    // Once taken, each state of each entity was delivered once (at least once, nothing doubled).
    await new Promise((r) => setTimeout(r, 300));
    const states = delivered().flatMap(entitiesOf).map((e) => `${String(e.id)} ${JSON.stringify((e.dateModified as JsonObject).value)}`);
    expect(states.length).toBe(new Set(states).size);
  });

  it('counts the entities a broker refuses one by one (207) and goes on: they are not sent again', async () => {
    const refusedBefore = (await api.app.get(PlatformMetrics).published.get()).values.find((v) => v.labels.outcome === 'refused')?.value ?? 0;
    refuseNext = 1;
    const occ = await intake({ category: 'NOISE', location: PLACES.santaCatarina, description: 'Ruído' });
    await until('the 207 answered', () => upserts().some((r) => answered.get(r) === 207 && entitiesOf(r).some((e) => e.id === alertId(occ.reference))));
    const next = await intake({ category: 'ROAD_DAMAGE', location: PLACES.campanha, description: 'Buraco' });
    await until('the next occurrence upserted', () => deliveredIds().has(alertId(next.reference)));
    expect(upserts().filter((r) => entitiesOf(r).some((e) => e.id === alertId(occ.reference)))).toHaveLength(1);
    const refused = (await api.app.get(PlatformMetrics).published.get()).values.find((v) => v.labels.outcome === 'refused')?.value ?? 0;
    expect(refused).toBe(refusedBefore + 1);
  });

  it('moved its checkpoint to the head of the log', async () => {
    await until('the checkpoint at the head', async () => {
      const { rows } = await api.db.query(`SELECT (SELECT (tx_id, seq)::text FROM event_consumers WHERE name = 'platform-publisher') AS cp,
        (SELECT (tx_id, seq)::text FROM occurrence_events ORDER BY tx_id DESC, seq DESC LIMIT 1) AS head`);
      return rows[0].cp === rows[0].head;
    });
  });
});

describe('Urban Platform subscriptions on start', () => {
  /** A broker's subscriptions API: GET one (404 until created), POST (201, 409 if it exists), PATCH (204). */
  function brokerRecorder(): Promise<Awaited<ReturnType<typeof startRecorder>> & { subs: Map<string, JsonObject> }> {
    const subs = new Map<string, JsonObject>();
    return startRecorder((r) => {
      const id = decodeURIComponent(r.url.replace('/ngsi-ld/v1/subscriptions/', ''));
      if (r.method === 'GET') return subs.has(id) ? { status: 200, body: { ...subs.get(id), status: 'active', timesSent: 3 } } : { status: 404 };
      if (r.method === 'POST' && r.url === '/ngsi-ld/v1/subscriptions') {
        const body = r.body as JsonObject;
        if (subs.has(String(body.id))) return { status: 409 };
        subs.set(String(body.id), body);
        return { status: 201 };
      }
      if (r.method === 'PATCH') {
        subs.set(id, { ...subs.get(id), ...(r.body as JsonObject) });
        return { status: 204 };
      }
      return { status: 204 };
    }).then((rec) => Object.assign(rec, { subs }));
  }

  it('creates its two subscriptions once: a second start finds them as wanted and changes nothing; a new notify URL patches them', async () => {
    const broker = await brokerRecorder();
    const env = {
      PLATFORM_BROKER_URL: broker.url, PLATFORM_NOTIFY_URL: 'https://cgi.example/ngsi-ld/v1/notify', PLATFORM_NOTIFY_API_KEY: 'cgi_key_for_the_broker', PLATFORM_PUBLISH: 'off',
    };
    const count = (m: string) => broker.requests.filter((r) => r.method === m).length;
    for (let start = 1; start <= 2; start++) {
      const api = await startApi(env);
      await api.app.get(PlatformSubscriptionsService).ready;
      await api.close();
      expect({ POST: count('POST'), PATCH: count('PATCH') }).toEqual({ POST: 2, PATCH: 0 });
    }
    const alerts = broker.subs.get('urn:ngsi-ld:Subscription:CGI-Porto:alerts')!;
    expect(alerts).toMatchObject({
      type: 'Subscription', entities: [{ type: 'Alert' }], q: 'alertSource!="urn:ngsi-ld:Organization:CGI-Porto"',
      notification: { format: 'normalized', endpoint: { uri: env.PLATFORM_NOTIFY_URL, receiverInfo: [{ key: 'X-API-Key', value: env.PLATFORM_NOTIFY_API_KEY }] } },
    });
    expect(broker.subs.get('urn:ngsi-ld:Subscription:CGI-Porto:devices')).toMatchObject({ entities: [{ type: 'Device' }], watchedAttributes: ['deviceState'] });
    const moved = await startApi({ ...env, PLATFORM_NOTIFY_URL: 'https://cgi-2.example/ngsi-ld/v1/notify' });
    await moved.app.get(PlatformSubscriptionsService).ready;
    await moved.close();
    expect({ POST: count('POST'), PATCH: count('PATCH') }).toEqual({ POST: 2, PATCH: 2 });
    expect((broker.subs.get('urn:ngsi-ld:Subscription:CGI-Porto:alerts')!.notification as JsonObject)).toMatchObject({ endpoint: { uri: 'https://cgi-2.example/ngsi-ld/v1/notify' } });
    await broker.close();
  });
});
