import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import type { OccurrenceDetail, PublicAlertView } from '@cgi/shared';
import { capSchemaErrors } from '../../../test/support/cap-xsd';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';
import { SIGNATURE_HEADER, verify } from '../src/open311/callbacks/callback-signature';
import { eventually } from './open311/open311-support';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A subscriber's endpoint (Metro, say): refuses the first POST with 503, then accepts. */
async function recorder(): Promise<{ server: Server; url: string; received: Received[]; attempts: number }> {
  const state = { received: [] as Received[], attempts: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      state.attempts++;
      if (state.attempts === 1) {
        res.writeHead(503).end();
        return;
      }
      state.received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(state, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cap` });
}

const hours = (h: number): string => new Date(Date.now() + h * 3600_000).toISOString();
const draft = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  category: ['Met', 'Safety'],
  urgency: 'Immediate',
  severity: 'Severe',
  certainty: 'Observed',
  responseType: ['Avoid'],
  expires: hours(12),
  texts: {
    pt: { event: 'Cheias', headline: 'Risco de cheia em Campanhã', description: 'Subida rápida do caudal.', instruction: 'Evite a zona ribeirinha.' },
    en: { event: 'Flooding', headline: 'Flood risk in Campanhã', description: 'Fast rising water.', instruction: 'Avoid the riverside.' },
  },
  area: { parishes: ['131203', '131202'] },
  web: 'https://www.cm-porto.pt/avisos',
  ...over,
});
/** A CAP document as fast-xml-parser reads it (repeated elements as arrays). */
interface ParsedCap {
  [element: string]: unknown;
  sent: string;
  msgType: string;
  references?: string;
  info: Array<{ language: string; severity: string; area: Array<Record<string, unknown>> }>;
}
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (n) => ['info', 'area', 'polygon', 'circle', 'entry', 'link'].includes(n) });

describe('public alerts in CAP 1.2', () => {
  let api: ApiHarness;
  let hook: Awaited<ReturnType<typeof recorder>>;
  let secret: string;
  let occurrence: OccurrenceDetail;
  beforeAll(async () => {
    const run = randomBytes(4).toString('hex');
    api = await startApi({
      CALLBACK_QUEUE_PREFIX: `tcap:${run}`,
      RATE_LIMIT_KEY_PREFIX: `tcap:${run}`,
      CALLBACK_BACKOFF_MS: '50',
      CALLBACK_BACKOFF_MAX_MS: '200',
      CAP_SENDER: 'cgi@cm-porto.pt',
      PUBLIC_BASE_URL: 'https://cgi.example.test',
    });
    hook = await recorder();
    const sub = await api.http().post('/api/v1/public-alerts/subscribers').set('authorization', api.auth('admin')).send({ name: 'Metro do Porto', url: hook.url });
    expect(sub.status).toBe(201);
    secret = sub.body.secret;
    occurrence = (await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category: 'FLOODING', location: PLACES.campanha, description: 'Água na via' })).body;
  });
  afterAll(async () => {
    await api.close();
    hook.server.close();
  });

  const issue = (body: unknown, who: TestIdentity = 'supervisor') => api.http().post('/api/v1/public-alerts').set('authorization', api.auth(who)).send(body as object);
  const capOf = async (identifier: string): Promise<{ xml: string; alert: ParsedCap }> => {
    const res = await api.http().get(`/public/alerts/${identifier}.xml`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/cap\+xml/);
    const xml = res.text;
    expect(capSchemaErrors(xml)).toBeNull();
    return { xml, alert: parser.parse(xml).alert };
  };
  const stored = async () => ({ alerts: await api.count('public_alerts'), messages: await api.count('public_alert_messages'), events: await api.count('occurrence_events') });

  it('only a CGI supervisor or an admin issues; an operator, a department or the videowall get 403', async () => {
    const before = await stored();
    for (const who of ['operator', 'viewer', 'civilProtectionAgent'] as const) expect((await issue(draft(), who)).status).toBe(403);
    expect(await stored()).toEqual(before);
    expect((await api.http().post('/api/v1/public-alerts').send(draft())).status).toBe(401);
  });

  it.each([
    ['expires before effective', { effective: hours(5), expires: hours(2) }, 'expires'],
    ['an unknown parish', { area: { parishes: ['131203', '131299'] } }, 'area.parishes[1]'],
    ['a self-intersecting polygon', { area: { polygon: [[41.15, -8.62], [41.17, -8.58], [41.15, -8.58], [41.17, -8.62]] } }, 'area.polygon'],
    ['an oversized polygon', { area: { polygon: [[40.5, -9.2], [42.0, -9.2], [42.0, -7.5], [40.5, -7.5]] } }, 'area.polygon'],
    ['no Portuguese text', { texts: { en: { event: 'Flooding', headline: 'Flood', description: 'Water' } } }, 'texts.pt'],
    ['an unknown occurrence', { occurrenceIds: ['00000000-0000-4000-8000-000000000000'] }, 'occurrenceIds[0]'],
    ['a bad severity', { severity: 'Apocalyptic' }, 'severity'],
  ])('%s → 400 naming the field, nothing issued', async (_name, over, field) => {
    const before = await stored();
    const res = await issue(draft(over));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(await stored()).toEqual(before);
  });

  let alert: PublicAlertView;

  it('issues an Alert for two parishes in pt and en: valid CAP with their simplified CAOP polygons, on the live feed and audited', async () => {
    const res = await issue(draft({ occurrenceIds: [occurrence.id] }));
    expect(res.status).toBe(201);
    alert = res.body;
    expect(alert).toMatchObject({ state: 'IN_FORCE', msgType: 'Alert' });
    expect(alert.identifier).toMatch(/^pt\.cm-porto\.cgi\.\d{4}\.\d{6}$/);
    const { alert: cap } = await capOf(alert.identifier);
    expect(cap).toMatchObject({ '@_xmlns': 'urn:oasis:names:tc:emergency:cap:1.2', sender: 'cgi@cm-porto.pt', msgType: 'Alert', status: 'Actual', scope: 'Public', incidents: occurrence.reference });
    expect(cap.sent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(cap.references).toBeUndefined();
    expect(cap.info.map((i: { language: string }) => i.language)).toEqual(['pt-PT', 'en-GB']);
    const areas = cap.info[0].area as unknown as Array<{ areaDesc: string; polygon: string[]; geocode: { value: string } }>;
    expect(areas.map((a) => [a.areaDesc, a.geocode.value])).toEqual([['Campanhã', '131203'], ['Bonfim', '131202']]);
    for (const a of areas) {
      const pairs = a.polygon[0].split(' ');
      expect(pairs.length).toBeGreaterThanOrEqual(4);
      expect(pairs.length).toBeLessThanOrEqual(100);
      expect(pairs[0]).toBe(pairs[pairs.length - 1]);
      const [lat, lon] = pairs[1].split(',').map(Number);
      expect(lat).toBeGreaterThan(41.1);
      expect(lon).toBeLessThan(-8.5);
    }
    const events = await api.db.query(`SELECT occurrence_id, type, departments, payload FROM occurrence_events WHERE type = 'PUBLIC_ALERT_ISSUED' ORDER BY seq`);
    expect(events.rows.map((r) => r.occurrence_id)).toEqual([null, occurrence.id]);
    expect(events.rows[0].payload).toMatchObject({ identifier: alert.identifier, parishes: ['131203', '131202'], headline: { pt: 'Risco de cheia em Campanhã' } });
    const audit = await api.db.query(`SELECT actor, target FROM security_audit_log WHERE action = 'PUBLIC_ALERT_ISSUED'`);
    expect(audit.rows).toEqual([{ actor: 'CGI_SUPERVISOR:supervisor', target: alert.identifier }]);
  });

  it('keeps every message as issued: the table refuses UPDATE and DELETE', async () => {
    await expect(api.db.query(`UPDATE public_alert_messages SET note = 'x'`)).rejects.toThrow(/append-only/);
    await expect(api.db.query(`DELETE FROM public_alert_messages`)).rejects.toThrow(/append-only/);
  });

  it('an update references the alert, a cancel both; a cancelled alert takes nothing more', async () => {
    const first = alert.messages[0];
    const up = await api.http().post(`/api/v1/public-alerts/${alert.id}/update`).set('authorization', api.auth('supervisor'))
      .send({ draft: draft({ severity: 'Extreme', expires: hours(24), area: { parishes: ['131203'] } }), note: 'Agravamento' });
    expect(up.status).toBe(201);
    expect(up.body.msgType).toBe('Update');
    const upCap = (await capOf(up.body.identifier)).alert;
    expect(upCap).toMatchObject({ msgType: 'Update', note: 'Agravamento', references: `cgi@cm-porto.pt,${first.identifier},${first.sent}` });
    expect(upCap.info[0].severity).toBe('Extreme');

    const bad = await api.http().post(`/api/v1/public-alerts/${alert.id}/update`).set('authorization', api.auth('supervisor')).send({ draft: draft({ texts: {} }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toContain('draft.texts.pt');
    expect((await api.http().post(`/api/v1/public-alerts/${alert.id}/cancel`).set('authorization', api.auth('operator')).send({ note: 'x' })).status).toBe(403);
    expect((await api.http().post(`/api/v1/public-alerts/${alert.id}/cancel`).set('authorization', api.auth('supervisor')).send({})).status).toBe(400);

    const cancel = await api.http().post(`/api/v1/public-alerts/${alert.id}/cancel`).set('authorization', api.auth('supervisor')).send({ note: 'Fim do risco' });
    expect(cancel.status).toBe(201);
    expect(cancel.body).toMatchObject({ state: 'CANCELLED', msgType: 'Cancel' });
    const second = up.body.messages[1];
    const cancelCap = (await capOf(cancel.body.identifier)).alert;
    expect(cancelCap).toMatchObject({ msgType: 'Cancel', references: `cgi@cm-porto.pt,${first.identifier},${first.sent} cgi@cm-porto.pt,${second.identifier},${second.sent}` });
    expect(new Set(cancel.body.messages.map((m: { identifier: string }) => m.identifier)).size).toBe(3);
    expect((await api.http().post(`/api/v1/public-alerts/${alert.id}/cancel`).set('authorization', api.auth('supervisor')).send({ note: 'again' })).status).toBe(409);
    const audit = await api.db.query(`SELECT action FROM security_audit_log WHERE action LIKE 'PUBLIC_ALERT_%' ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(['PUBLIC_ALERT_ISSUED', 'PUBLIC_ALERT_UPDATED', 'PUBLIC_ALERT_CANCELLED']);
    // The first message is still served as it was issued.
    expect((await capOf(first.identifier)).alert.msgType).toBe('Alert');
  });

  it('a drawn polygon and a circle are valid CAP too; the admin may issue', async () => {
    const poly = await issue(draft({ area: { polygon: [[41.14, -8.62], [41.16, -8.62], [41.16, -8.59], [41.14, -8.59]] }, texts: { pt: { event: 'Derrocada', headline: 'Risco de derrocada', description: 'Escarpa instável.', areaDescription: 'Escarpa da Ribeira' } } }));
    expect(poly.status).toBe(201);
    const p = (await capOf(poly.body.identifier)).alert;
    expect(p.info).toHaveLength(1);
    expect(p.info[0].area[0]).toMatchObject({ areaDesc: 'Escarpa da Ribeira', polygon: ['41.14,-8.62 41.16,-8.62 41.16,-8.59 41.14,-8.59 41.14,-8.62'] });
    const circle = await issue(draft({ area: { circle: { lat: 41.1487, lon: -8.5853, radiusKm: 1.5 } } }), 'admin');
    expect(circle.status).toBe(201);
    const c = (await capOf(circle.body.identifier)).alert;
    expect(c.info[1].area[0]).toMatchObject({ areaDesc: '1.5 km radius', circle: ['41.1487,-8.5853 1.5'] });
    expect(circle.body.areas).toHaveLength(1);
  });

  it('the Atom feed lists the alerts in force and the recent cancel, each linking its CAP XML; ETag and caching', async () => {
    const res = await api.http().get('/public/alerts/feed.atom');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    const feed = parser.parse(res.text).feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.link[0]).toMatchObject({ '@_rel': 'self', '@_href': 'https://cgi.example.test/public/alerts/feed.atom' });
    const entries = feed.entry as Array<{ id: string; title: string; updated: string; link: Array<Record<string, string>> }>;
    expect(entries).toHaveLength(3);
    for (const e of entries) {
      expect(e.link[0]['@_type']).toBe('application/cap+xml');
      const path = new URL(e.link[0]['@_href']).pathname;
      const cap = await api.http().get(path);
      expect(capSchemaErrors(cap.text)).toBeNull();
      expect(e.id).toBe(`urn:cap:${parser.parse(cap.text).alert.identifier}`);
    }
    expect(entries.filter((e) => e.title.startsWith('Cancelado:'))).toHaveLength(1);
    const again = await api.http().get('/public/alerts/feed.atom').set('if-none-match', res.headers.etag);
    expect(again.status).toBe(304);

    const json = await api.http().get('/public/alerts.json');
    expect(json.status).toBe(200);
    expect(json.body.alerts).toHaveLength(2);
    expect(JSON.stringify(json.body)).not.toContain('supervisor');
    const list = await api.http().get('/api/v1/public-alerts?state=all').set('authorization', api.auth('viewer'));
    expect(list.body.map((a: PublicAlertView) => a.state)).toEqual(['IN_FORCE', 'IN_FORCE', 'CANCELLED']);
    expect((await api.http().get('/public/alerts/nope.xml')).status).toBe(404);
    const page = await api.http().get('/public/alerts');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Risco de derrocada');
    expect(page.text.match(/<li class="alert"/g)).toHaveLength(2);
    expect(page.text).not.toContain('Agravamento');
  });

  it('every message reaches the subscriber, in order, signed, after a refused first attempt', async () => {
    await eventually(async () => hook.received.length >= 5, 'five webhook deliveries');
    expect(hook.attempts).toBeGreaterThanOrEqual(6);
    const types = hook.received.map((r) => parser.parse(r.body).alert.msgType);
    expect(types).toEqual(['Alert', 'Update', 'Cancel', 'Alert', 'Alert']);
    for (const r of hook.received) {
      expect(r.headers['content-type']).toMatch(/^application\/cap\+xml/);
      expect(verify(secret, r.body, r.headers[SIGNATURE_HEADER] as string)).toBe(true);
      expect(verify('whsec_wrong', r.body, r.headers[SIGNATURE_HEADER] as string)).toBe(false);
      expect(capSchemaErrors(r.body)).toBeNull();
    }
    const seqs = hook.received.map((r) => Number(r.headers['x-cgi-sequence']));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const pending = await api.db.query(`SELECT count(*)::int AS n FROM public_alert_deliveries WHERE delivered_at IS NULL`);
    expect(pending.rows[0].n).toBe(0);
  });
});
