import { createHash, randomBytes } from 'node:crypto';
import { parseOpenDataPeriod } from '@cgi/domain';
import { ApiKeyService } from '../src/auth/api-key.service';
import { OpenDataService } from '../src/open-data/open-data.service';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';
import { TEST_PASSWORD } from '../../../test/support/global-setup';

/**
 * Every endpoint × every role (+ anonymous + an API key with every scope) → the expected status.
 * The table is checked against the OpenAPI document: an endpoint without a row fails the test.
 * The fixture occurrence is a building fire: FIRE leads, CIVIL_PROTECTION and POLICE support;
 * MOBILITY is not assigned, so its agent must get 404 wherever an occurrence is named.
 * Cells expected to succeed get a fresh fixture in the right state, so success is exact.
 */
const WHO = ['anonymous', 'apiKey', 'operator', 'supervisor', 'viewer', 'admin', 'fireAgent', 'fireSupervisor', 'policeAgent', 'mobilityAgent'] as const;
type Who = (typeof WHO)[number];
type Users = Exclude<Who, 'anonymous' | 'apiKey'>;

const ALL_USERS: Users[] = ['operator', 'supervisor', 'viewer', 'admin', 'fireAgent', 'fireSupervisor', 'policeAgent', 'mobilityAgent'];
const CGI: Users[] = ['operator', 'supervisor'];
const FIRE_SIDE: Users[] = ['operator', 'supervisor', 'fireAgent', 'fireSupervisor'];

interface Call {
  url: string;
  body?: object;
}

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As in the OpenAPI document. */
  path: string;
  /** Public: every caller gets `ok` (the bearer/key is ignored). */
  public?: boolean;
  /** Who succeeds, with status `ok`; the others get 401 (anonymous) / 403 / 404 as below. */
  allowed: Who[];
  ok: number;
  /** Department roles that are allowed by role but not assigned to the fixture: 404. */
  notFoundFor?: Who[];
  /** Explicit statuses overriding the defaults. */
  special?: Partial<Record<Who, number>>;
  /** Builds the request; `fresh` is true when the cell is expected to succeed. */
  call: (who: Who, fresh: boolean) => Promise<Call>;
}

describe('authorization matrix: every endpoint × every role', () => {
  let api: ApiHarness;
  let apiKey: string;
  let shared: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}`, RATE_LIMIT_LOGIN_IP_PER_MINUTE: '1000', RATE_LIMIT_PUBLIC_IP_PER_MINUTE: '1000' });
    apiKey = (await api.app.get(ApiKeyService).create('Matrix client', ['occurrences:create', 'reference:read', 'units:positions', 'assets:status', 'platform:notify', 'platform:read'], 'test')).key;
    shared = {
      dispatched: await fire(),
      anyUser: (await api.db.query(`SELECT id FROM users WHERE username = 'viewer'`)).rows[0].id,
    };
  });
  afterAll(() => api.close());

  const as = (who: Who, method: Row['method'], url: string) => {
    const req = api.http()[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](url);
    if (who === 'apiKey') return req.set('x-api-key', apiKey);
    if (who === 'anonymous') return req;
    return req.set('authorization', api.auth(who as TestIdentity));
  };
  const op = (method: Row['method'], url: string, body?: object) => as('operator', method, url).send(body ?? {});

  /** A building fire, dispatched at once to FIRE (lead), CIVIL_PROTECTION and POLICE. */
  const alertDraft = () => ({
    category: ['Met'], urgency: 'Expected', severity: 'Moderate', certainty: 'Likely',
    expires: new Date(Date.now() + 3600_000).toISOString(),
    texts: { pt: { event: 'Vento', headline: 'Vento forte', description: 'Rajadas.' } },
    area: { parishes: ['131203'] },
  });
  /** An alert in force: a new one for a cell expected to succeed (a cancel is final). */
  async function alertId(fresh: boolean): Promise<string> {
    if (!fresh && shared.alert) return shared.alert;
    const res = await api.http().post('/api/v1/public-alerts').set('authorization', api.auth('supervisor')).send(alertDraft());
    if (!fresh) shared.alert = res.body.id;
    return res.body.id;
  }

  async function fire(): Promise<string> {
    const res = await op('POST', '/api/v1/occurrences', { category: 'FIRE_BUILDING', location: PLACES.campanha, description: 'Incêndio', reporter: { name: 'Rui' } });
    expect(res.body.assignments.map((a: { department: string }) => a.department).sort()).toEqual(['CIVIL_PROTECTION', 'FIRE', 'POLICE']);
    return res.body.id;
  }
  async function fireIn(state: 'NEW' | 'TRIAGED' | 'DISPATCHED' | 'ACKNOWLEDGED' | 'ON_SCENE' | 'RESOLVED' | 'CLOSED' | 'MERGED'): Promise<string> {
    if (state === 'NEW' || state === 'TRIAGED') {
      const res = await op('POST', '/api/v1/occurrences', { category: 'OTHER', location: PLACES.paranhos, description: 'A classificar' });
      if (state === 'TRIAGED') expect((await op('POST', `/api/v1/occurrences/${res.body.id}/triage`, { category: 'FIRE_BUILDING' })).status).toBe(200);
      return res.body.id;
    }
    const id = await fire();
    const steps: Array<[string, object]> = [];
    if (['ACKNOWLEDGED', 'ON_SCENE', 'RESOLVED', 'CLOSED'].includes(state)) steps.push(['acknowledge', { department: 'FIRE' }]);
    if (['ON_SCENE', 'RESOLVED', 'CLOSED'].includes(state)) steps.push(['on-scene', { department: 'FIRE' }]);
    if (['RESOLVED', 'CLOSED'].includes(state)) steps.push(['resolve', { department: 'FIRE', note: 'Extinto' }]);
    if (state === 'CLOSED') steps.push(['close', {}]);
    if (state === 'MERGED') steps.push(['merge', { parentId: await fire() }]);
    for (const [action, body] of steps) expect((await op('POST', `/api/v1/occurrences/${id}/${action}`, body)).status).toBe(200);
    return id;
  }
  const occ = (state: Parameters<typeof fireIn>[0], action: string, body: (who: Who) => object = () => ({})) =>
    async (who: Who, fresh: boolean): Promise<Call> => ({
      url: `/api/v1/occurrences/${fresh ? await fireIn(state) : shared.dispatched}${action}`,
      body: body(who),
    });
  const forDepartment = (who: Who, extra: object = {}): object => (CGI.includes(who as Users) ? { department: 'FIRE', ...extra } : extra);
  const at = (url: string, body?: object) => async (): Promise<Call> => ({ url, body });

  /** A unit of the fleet (issue 14), created by the ADMIN: FIRE by default. */
  let unitSeq = 0;
  async function newUnit(department = 'FIRE', kind = department === 'FIRE' ? 'ENGINE' : 'PATROL_CAR'): Promise<string> {
    unitSeq += 1;
    const res = await as('admin', 'POST', '/api/v1/units').send({
      code: `MTX-${unitSeq}`, callsign: `MTX ${unitSeq}`, department, kind, homeBase: { lat: PLACES.campanha.lat + 0.001, lon: PLACES.campanha.lon },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  /** A FIRE unit assigned to a fire: fresh, or one shared by the cells expected to fail. */
  async function unitAssignment(fresh: boolean): Promise<{ occurrence: string; assignment: string }> {
    if (!fresh && shared.assignment) return { occurrence: shared.dispatched, assignment: shared.assignment };
    const occurrence = fresh ? await fire() : shared.dispatched;
    const res = await op('POST', `/api/v1/occurrences/${occurrence}/units`, { unitIds: [await newUnit()] });
    expect(res.status).toBe(201);
    if (!fresh) shared.assignment = res.body[0].id;
    return { occurrence, assignment: res.body[0].id };
  }
  const unitUrl = (suffix = '') => async (_who: Who, fresh: boolean): Promise<Call> => ({
    url: `/api/v1/units/${fresh ? await newUnit() : (shared.unit ??= await newUnit())}${suffix}`,
  });
  /** A FIRE unit (AVL rows): POLICE and MOBILITY agents may not see it. */
  async function fireUnit(): Promise<{ id: string; code: string }> {
    if (!shared.fireUnitId) {
      const { rows: [u] } = await api.db.query(
        `INSERT INTO units (code, callsign, department, kind, home_base) VALUES ('MX-VUCI-01', 'MX VUCI 01', 'FIRE', 'ENGINE', ST_SetSRID(ST_MakePoint(-8.6063, 41.1496), 4326)::geography) RETURNING id`,
      );
      shared.fireUnitId = u.id;
    }
    return { id: shared.fireUnitId, code: 'MX-VUCI-01' };
  }

  /** An asset of the registry (issue 15), created by the ADMIN: a traffic light near Campanhã. */
  let assetSeq = 0;
  async function newAsset(): Promise<string> {
    assetSeq += 1;
    const res = await as('admin', 'POST', '/api/v1/assets').send({
      code: `MTX-SEM-${assetSeq}`, kind: 'TRAFFIC_LIGHT', name: `Semáforo ${assetSeq}`, department: 'MOBILITY', location: { lat: PLACES.campanha.lat, lon: PLACES.campanha.lon },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  const assetUrl = (suffix = '') => async (_who: Who, fresh: boolean): Promise<Call> => ({
    url: `/api/v1/assets/${fresh ? await newAsset() : (shared.asset ??= await newAsset())}${suffix}`,
  });

  async function refreshTokenOf(username: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const { rows } = await api.db.query(`SELECT id FROM users WHERE username = $1`, [username]);
    await api.db.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, gen_random_uuid(), $2, now() + interval '1 hour')`,
      [rows[0].id, createHash('sha256').update(token).digest('hex')],
    );
    return token;
  }

  const rows: Row[] = [
    // --- public
    { method: 'POST', path: '/api/v1/auth/login', public: true, allowed: [], ok: 200, call: at('/api/v1/auth/login', { username: 'operator', password: TEST_PASSWORD }) },
    { method: 'POST', path: '/api/v1/auth/refresh', public: true, allowed: [], ok: 200, call: async () => ({ url: '/api/v1/auth/refresh', body: { refreshToken: await refreshTokenOf('operator') } }) },
    { method: 'POST', path: '/api/v1/auth/logout', public: true, allowed: [], ok: 204, call: async () => ({ url: '/api/v1/auth/logout', body: { refreshToken: await refreshTokenOf('operator') } }) },
    { method: 'GET', path: '/health/live', public: true, allowed: [], ok: 200, call: at('/health/live') },
    { method: 'GET', path: '/health/ready', public: true, allowed: [], ok: 200, call: at('/health/ready') },
    { method: 'GET', path: '/api/v1/reference/parishes', public: true, allowed: [], ok: 200, call: at('/api/v1/reference/parishes') },
    // --- open data (issue 16): public, unauthenticated
    { method: 'GET', path: '/open-data/catalog.jsonld', public: true, allowed: [], ok: 200, call: at('/open-data/catalog.jsonld') },
    {
      method: 'GET', path: '/open-data/occurrences/{kind}/{file}', public: true, allowed: [], ok: 200,
      call: async () => {
        await api.app.get(OpenDataService).generate(parseOpenDataPeriod('daily', '2026-01-05')!);
        return { url: '/open-data/occurrences/daily/2026-01-05.csv' };
      },
    },
    // --- reference data: every user; API keys with reference:read
    { method: 'GET', path: '/api/v1/reference/departments', allowed: [...ALL_USERS, 'apiKey'], ok: 200, call: at('/api/v1/reference/departments') },
    { method: 'GET', path: '/api/v1/reference/categories', allowed: [...ALL_USERS, 'apiKey'], ok: 200, call: at('/api/v1/reference/categories') },
    { method: 'GET', path: '/api/v1/reference/units', allowed: ALL_USERS, ok: 200, call: at('/api/v1/reference/units') },
    // --- occurrences: reads
    { method: 'GET', path: '/api/v1/occurrences', allowed: ALL_USERS, ok: 200, call: at('/api/v1/occurrences') },
    { method: 'GET', path: '/api/v1/occurrences/{id}', allowed: ALL_USERS, ok: 200, notFoundFor: ['mobilityAgent'], call: occ('DISPATCHED', '') },
    { method: 'GET', path: '/api/v1/occurrences/{id}/reporter', allowed: CGI, ok: 200, call: occ('DISPATCHED', '/reporter') },
    // --- occurrences: intake
    {
      method: 'POST', path: '/api/v1/occurrences', allowed: [...CGI, 'apiKey'], ok: 201,
      call: at('/api/v1/occurrences', { category: 'ROAD_DAMAGE', location: PLACES.santaCatarina, description: 'Buraco' }),
    },
    {
      method: 'POST', path: '/api/v1/occurrences/routing-preview', allowed: CGI, ok: 200,
      call: at('/api/v1/occurrences/routing-preview', { category: 'FIRE_BUILDING', location: PLACES.campanha, description: 'x' }),
    },
    // --- occurrences: CGI commands
    { method: 'POST', path: '/api/v1/occurrences/{id}/triage', allowed: CGI, ok: 200, call: occ('NEW', '/triage') },
    { method: 'POST', path: '/api/v1/occurrences/{id}/dispatch', allowed: CGI, ok: 200, call: occ('TRIAGED', '/dispatch') },
    {
      method: 'POST', path: '/api/v1/occurrences/{id}/routing-override', allowed: CGI, ok: 200,
      call: occ('DISPATCHED', '/routing-override', () => ({ lead: 'FIRE', support: ['POLICE'], priority: 'P1', reason: 'Matriz' })),
    },
    { method: 'POST', path: '/api/v1/occurrences/{id}/close', allowed: CGI, ok: 200, call: occ('RESOLVED', '/close') },
    { method: 'POST', path: '/api/v1/occurrences/{id}/cancel', allowed: CGI, ok: 200, call: occ('DISPATCHED', '/cancel', () => ({ reason: 'Falso alarme' })) },
    { method: 'POST', path: '/api/v1/occurrences/{id}/reopen', allowed: CGI, ok: 200, call: occ('CLOSED', '/reopen', () => ({ reason: 'Reacendimento' })) },
    {
      method: 'POST', path: '/api/v1/occurrences/{id}/merge', allowed: CGI, ok: 200,
      call: async (_who, fresh) => ({ url: `/api/v1/occurrences/${fresh ? await fire() : shared.dispatched}/merge`, body: { parentId: fresh ? await fire() : shared.dispatched } }),
    },
    { method: 'POST', path: '/api/v1/occurrences/{id}/unmerge', allowed: CGI, ok: 200, call: occ('MERGED', '/unmerge') },
    // --- occurrences: department commands (agents act for their own department; CGI names one)
    {
      method: 'POST', path: '/api/v1/occurrences/{id}/acknowledge', allowed: [...FIRE_SIDE, 'policeAgent'], ok: 200, notFoundFor: ['mobilityAgent'],
      call: occ('DISPATCHED', '/acknowledge', (w) => forDepartment(w)),
    },
    {
      method: 'POST', path: '/api/v1/occurrences/{id}/on-scene', allowed: [...FIRE_SIDE, 'policeAgent'], ok: 200, notFoundFor: ['mobilityAgent'],
      call: occ('ACKNOWLEDGED', '/on-scene', (w) => forDepartment(w)),
    },
    {
      // Only the lead resolves: POLICE (support) is refused.
      method: 'POST', path: '/api/v1/occurrences/{id}/resolve', allowed: FIRE_SIDE, ok: 200, notFoundFor: ['mobilityAgent'], special: { policeAgent: 403 },
      call: occ('ON_SCENE', '/resolve', (w) => forDepartment(w, { note: 'Extinto' })),
    },
    {
      method: 'POST', path: '/api/v1/occurrences/{id}/notes', allowed: [...FIRE_SIDE, 'policeAgent'], ok: 201, notFoundFor: ['mobilityAgent'],
      call: occ('DISPATCHED', '/notes', () => ({ text: 'Nota' })),
    },
    // --- Open311 moderation: whether a citizen report's own words are public (ADR 0020)
    { method: 'GET', path: '/api/v1/occurrences/{id}/publication', allowed: CGI, ok: 200, call: occ('DISPATCHED', '/publication') },
    { method: 'POST', path: '/api/v1/occurrences/{id}/publication', allowed: CGI, ok: 200, call: occ('DISPATCHED', '/publication', () => ({ descriptionPublic: true })) },
    // --- event log
    { method: 'GET', path: '/api/v1/events', allowed: ALL_USERS, ok: 200, call: at('/api/v1/events') },
    // --- escalation notifications (in-app channel; each role sees its own, viewers none)
    { method: 'GET', path: '/api/v1/notifications', allowed: ALL_USERS, ok: 200, call: at('/api/v1/notifications') },
    // --- rules
    { method: 'GET', path: '/api/v1/rule-sets', allowed: [...CGI, 'admin'], ok: 200, call: at('/api/v1/rule-sets') },
    { method: 'GET', path: '/api/v1/rule-sets/active', allowed: ALL_USERS, ok: 200, call: at('/api/v1/rule-sets/active') },
    { method: 'GET', path: '/api/v1/rule-sets/{version}', allowed: [...CGI, 'admin'], ok: 200, call: at('/api/v1/rule-sets/1') },
    {
      method: 'POST', path: '/api/v1/rule-sets', allowed: ['supervisor'], ok: 201,
      call: async () => ({ url: '/api/v1/rule-sets', body: { document: (await op('GET', '/api/v1/rule-sets/1')).body.document, comment: 'Matriz' } }),
    },
    // --- operational levels
    { method: 'GET', path: '/api/v1/operational-levels', allowed: ALL_USERS, ok: 200, call: at('/api/v1/operational-levels') },
    { method: 'PUT', path: '/api/v1/operational-levels/{scope}', allowed: ['supervisor'], ok: 200, call: at('/api/v1/operational-levels/CITY', { level: 'NORMAL', reason: 'Matriz' }) },
    // --- public alerts in CAP 1.2 (issue 16): CGI supervisors and admins issue, update, cancel
    { method: 'POST', path: '/api/v1/public-alerts', allowed: ['supervisor', 'admin'], ok: 201, call: async () => ({ url: '/api/v1/public-alerts', body: alertDraft() }) },
    { method: 'GET', path: '/api/v1/public-alerts', allowed: ALL_USERS, ok: 200, call: at('/api/v1/public-alerts') },
    { method: 'GET', path: '/api/v1/public-alerts/{id}', allowed: ALL_USERS, ok: 200, call: async () => ({ url: `/api/v1/public-alerts/${await alertId(false)}` }) },
    {
      method: 'POST', path: '/api/v1/public-alerts/{id}/update', allowed: ['supervisor', 'admin'], ok: 201,
      call: async (_w, fresh) => ({ url: `/api/v1/public-alerts/${await alertId(fresh)}/update`, body: { draft: alertDraft() } }),
    },
    {
      method: 'POST', path: '/api/v1/public-alerts/{id}/cancel', allowed: ['supervisor', 'admin'], ok: 201,
      call: async (_w, fresh) => ({ url: `/api/v1/public-alerts/${await alertId(fresh)}/cancel`, body: { note: 'Matriz' } }),
    },
    { method: 'GET', path: '/api/v1/public-alerts/subscribers', allowed: ['admin'], ok: 200, call: at('/api/v1/public-alerts/subscribers') },
    {
      method: 'POST', path: '/api/v1/public-alerts/subscribers', allowed: ['admin'], ok: 201,
      call: async () => ({ url: '/api/v1/public-alerts/subscribers', body: { name: `Cliente ${randomBytes(3).toString('hex')}`, url: 'http://127.0.0.1:9/none' } }),
    },
    // --- security audit log
    { method: 'GET', path: '/api/v1/audit', allowed: ['admin', 'supervisor'], ok: 200, call: at('/api/v1/audit') },
    // --- administration
    { method: 'POST', path: '/api/v1/admin/api-keys', allowed: ['admin'], ok: 201, call: at('/api/v1/admin/api-keys', { clientName: 'Cliente', scopes: ['reference:read'] }) },
    { method: 'GET', path: '/api/v1/admin/api-keys', allowed: ['admin'], ok: 200, call: at('/api/v1/admin/api-keys') },
    {
      method: 'DELETE', path: '/api/v1/admin/api-keys/{id}', allowed: ['admin'], ok: 204,
      call: async () => ({ url: `/api/v1/admin/api-keys/${(await api.app.get(ApiKeyService).create('Temp', ['reference:read'], 'test')).id}` }),
    },
    {
      method: 'POST', path: '/api/v1/admin/users', allowed: ['admin'], ok: 201,
      call: async () => ({ url: '/api/v1/admin/users', body: { username: `u-${randomBytes(4).toString('hex')}`, displayName: 'Utilizador', password: 'a-long-enough-password', role: 'VIEWER' } }),
    },
    { method: 'GET', path: '/api/v1/admin/users', allowed: ['admin'], ok: 200, call: at('/api/v1/admin/users') },
    {
      method: 'POST', path: '/api/v1/admin/users/{id}/disable', allowed: ['admin'], ok: 200,
      call: async (_who, fresh) => {
        if (!fresh) return { url: `/api/v1/admin/users/${shared.anyUser}/disable` };
        const { rows: [u] } = await api.db.query(`INSERT INTO users (username, display_name, password_hash, role) VALUES ($1, 'x', 'x', 'VIEWER') RETURNING id`, [`d-${randomBytes(4).toString('hex')}`]);
        return { url: `/api/v1/admin/users/${u.id}/disable` };
      },
    },
    // --- units of the fleet (issue 14): scoped like occurrences; FIRE units are not there for other departments
    { method: 'GET', path: '/api/v1/units', allowed: ALL_USERS, ok: 200, call: at('/api/v1/units') },
    { method: 'GET', path: '/api/v1/units/{id}', allowed: ALL_USERS, ok: 200, notFoundFor: ['policeAgent', 'mobilityAgent'], call: unitUrl() },
    {
      method: 'POST', path: '/api/v1/units', allowed: ['admin', 'fireSupervisor'], ok: 201,
      call: async () => {
        unitSeq += 1;
        return { url: '/api/v1/units', body: { code: `MTX-C-${unitSeq}`, callsign: `MTX C${unitSeq}`, department: 'FIRE', kind: 'LADDER', homeBase: { lat: 41.15, lon: -8.6 } } };
      },
    },
    { method: 'PATCH', path: '/api/v1/units/{id}', allowed: ['admin', 'fireSupervisor'], ok: 200, call: async (w, f) => ({ ...(await unitUrl()(w, f)), body: { version: 1, callsign: `MTX P${(unitSeq += 1)}` } }) },
    { method: 'DELETE', path: '/api/v1/units/{id}', allowed: ['admin', 'fireSupervisor'], ok: 204, call: unitUrl() },
    {
      method: 'POST', path: '/api/v1/units/{id}/availability', allowed: [...FIRE_SIDE, 'admin'], ok: 200, notFoundFor: ['policeAgent', 'mobilityAgent'],
      call: async (w, f) => ({ ...(await unitUrl('/availability')(w, f)), body: { available: false, reason: 'Matriz' } }),
    },
    { method: 'GET', path: '/api/v1/occurrences/{id}/unit-proposals', allowed: [...FIRE_SIDE, 'policeAgent'], ok: 200, notFoundFor: ['mobilityAgent'], call: occ('DISPATCHED', '/unit-proposals') },
    {
      // Each department sends its own units: the Police agent a Police unit.
      method: 'POST', path: '/api/v1/occurrences/{id}/units', allowed: [...FIRE_SIDE, 'policeAgent'], ok: 201, notFoundFor: ['mobilityAgent'],
      call: async (who, fresh) => ({
        url: `/api/v1/occurrences/${fresh ? await fire() : shared.dispatched}/units`,
        body: { unitIds: [fresh ? await newUnit(who === 'policeAgent' ? 'POLICE' : 'FIRE') : (shared.unit ??= await newUnit())] },
      }),
    },
    {
      // A FIRE unit's assignment: the Police agent (on the occurrence) does not see it.
      method: 'POST', path: '/api/v1/occurrences/{id}/units/{assignmentId}/on-scene', allowed: FIRE_SIDE, ok: 200, notFoundFor: ['mobilityAgent', 'policeAgent'],
      call: async (_w, fresh) => {
        const { occurrence, assignment } = await unitAssignment(fresh);
        return { url: `/api/v1/occurrences/${occurrence}/units/${assignment}/on-scene` };
      },
    },
    {
      method: 'POST', path: '/api/v1/occurrences/{id}/units/{assignmentId}/release', allowed: FIRE_SIDE, ok: 200, notFoundFor: ['mobilityAgent', 'policeAgent'],
      call: async (_w, fresh) => {
        const { occurrence, assignment } = await unitAssignment(fresh);
        return { url: `/api/v1/occurrences/${occurrence}/units/${assignment}/release`, body: { reason: 'Matriz' } };
      },
    },
    // --- AVL positions (API keys with units:positions, ADMIN) and trails (scoped like the unit)
    {
      method: 'POST', path: '/api/v1/units/positions', allowed: ['admin', 'apiKey'], ok: 200,
      call: async () => ({ url: '/api/v1/units/positions', body: { positions: [{ unit: (await fireUnit()).code, lat: 41.1496, lon: -8.6063, at: new Date().toISOString() }] } }),
    },
    {
      method: 'GET', path: '/api/v1/units/{id}/trail', allowed: ALL_USERS, ok: 200, notFoundFor: ['policeAgent', 'mobilityAgent'],
      call: async () => ({ url: `/api/v1/units/${(await fireUnit()).id}/trail` }),
    },
    { method: 'POST', path: '/api/v1/admin/users/{id}/unlock', allowed: ['admin'], ok: 204, call: async () => ({ url: `/api/v1/admin/users/${shared.anyUser}/unlock` }) },
    // --- assets (issue 15): every user reads them; ADMIN manages them; status by the CGI, ADMIN and API keys with assets:status
    { method: 'GET', path: '/api/v1/assets', allowed: ALL_USERS, ok: 200, call: at('/api/v1/assets') },
    { method: 'GET', path: '/api/v1/assets/{id}', allowed: ALL_USERS, ok: 200, call: assetUrl() },
    {
      method: 'POST', path: '/api/v1/assets', allowed: ['admin'], ok: 201,
      call: async () => ({ url: '/api/v1/assets', body: { code: `MTX-C-SEM-${(assetSeq += 1)}`, kind: 'BOLLARD', name: 'Pilarete', department: 'MOBILITY', location: { lat: 41.15, lon: -8.6 } } }),
    },
    { method: 'PATCH', path: '/api/v1/assets/{id}', allowed: ['admin'], ok: 200, call: async (w, f) => ({ ...(await assetUrl()(w, f)), body: { version: 1, name: 'Renomeado' } }) },
    {
      method: 'POST', path: '/api/v1/assets/{id}/status', allowed: [...CGI, 'admin', 'apiKey'], ok: 200,
      call: async (w, f) => ({ ...(await assetUrl('/status')(w, f)), body: { status: 'MAINTENANCE', reason: 'Matriz' } }),
    },
    {
      method: 'POST', path: '/api/v1/assets/import', allowed: ['admin'], ok: 200,
      call: async () => ({
        url: '/api/v1/assets/import',
        body: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [-8.6, 41.15] }, properties: { code: `MTX-I-${(assetSeq += 1)}`, kind: 'CAMERA', name: 'Câmara', department: 'MOBILITY' } }] },
      }),
    },
    { method: 'GET', path: '/api/v1/occurrences/{id}/assets', allowed: ALL_USERS, ok: 200, notFoundFor: ['mobilityAgent'], call: occ('DISPATCHED', '/assets') },
    // --- Urban Platform (NGSI-LD): the CGI as a context source (CGI roles, ADMIN, API keys with platform:read)
    { method: 'GET', path: '/ngsi-ld/v1/entities', allowed: [...CGI, 'admin', 'apiKey'], ok: 200, call: at('/ngsi-ld/v1/entities?type=Alert') },
    {
      method: 'GET', path: '/ngsi-ld/v1/entities/{id}', allowed: [...CGI, 'admin', 'apiKey'], ok: 200,
      call: async () => {
        const { rows } = await api.db.query(`SELECT reference FROM occurrences WHERE id = $1`, [shared.dispatched]);
        return { url: `/ngsi-ld/v1/entities/${encodeURIComponent(`urn:ngsi-ld:Alert:CGI-Porto:${rows[0].reference}`)}` };
      },
    },
    // --- Urban Platform (NGSI-LD): the broker's notifications (API keys with platform:notify only)
    {
      method: 'POST', path: '/ngsi-ld/v1/notify', allowed: ['apiKey'], ok: 200,
      call: async () => ({
        url: '/ngsi-ld/v1/notify',
        body: {
          id: 'urn:ngsi-ld:Notification:matrix', type: 'Notification', subscriptionId: 'urn:ngsi-ld:Subscription:matrix', notifiedAt: '2026-12-04T03:00:00Z',
          data: [{ id: 'urn:ngsi-ld:Alert:matrix', type: 'Alert', category: 'weather', subCategory: 'flood', dateIssued: '2026-12-04T03:00:00Z', alertSource: 'urn:ngsi-ld:Device:m', location: { type: 'Point', coordinates: [-8.6063, 41.1496] } }],
        },
      }),
    },
    { method: 'POST', path: '/api/v1/admin/open-data/generate', allowed: ['admin'], ok: 200, call: at('/api/v1/admin/open-data/generate', { kind: 'daily', period: '2026-01-06' }) },
  ];

  const expected = (row: Row, who: Who): number => {
    if (row.public) return row.ok;
    if (row.special?.[who] !== undefined) return row.special[who]!;
    if (who === 'anonymous') return 401;
    if (row.notFoundFor?.includes(who)) return 404;
    return row.allowed.includes(who) ? row.ok : 403;
  };

  it('has a row for every endpoint of the OpenAPI document, and no row for an endpoint that does not exist', async () => {
    const doc = (await api.http().get('/api/docs/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .flatMap(([path, methods]) => Object.keys(methods).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(rows.map((r) => `${r.method} ${r.path}`).sort()).toEqual(documented);
  });

  it.each(rows.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', async (_name, row) => {
    const mismatches: string[] = [];
    for (const who of WHO) {
      const want = expected(row, who);
      const { url, body } = await row.call(who, want >= 200 && want < 300);
      const res = await as(who, row.method, url).send(body ?? {});
      if (res.status !== want) mismatches.push(`${who}: expected ${want}, got ${res.status} ${JSON.stringify(res.body?.error ?? '').slice(0, 160)}`);
    }
    expect(mismatches).toEqual([]);
  });
});
