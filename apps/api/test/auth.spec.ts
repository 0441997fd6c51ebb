import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { PLACES, startApi, type ApiHarness } from '../../../test/support/api-harness';
import { TEST_PASSWORD } from '../../../test/support/global-setup';

const prefix = (): string => `test:${randomBytes(4).toString('hex')}`;

describe('login, refresh tokens, lockout', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({
      RATE_LIMIT_KEY_PREFIX: prefix(),
      LOGIN_MAX_FAILURES: '3',
      LOGIN_LOCKOUT_BASE_SECONDS: '60',
      RATE_LIMIT_LOGIN_IP_PER_MINUTE: '1000',
    });
  });
  afterAll(() => api.close());

  const login = (username: string, password = TEST_PASSWORD, ip = '10.0.0.1') =>
    api.http().post('/api/v1/auth/login').set('x-forwarded-for', ip).send({ username, password });
  const refresh = (refreshToken: string) => api.http().post('/api/v1/auth/refresh').send({ refreshToken });
  const audit = async (action: string): Promise<Array<{ actor: string; target: string | null; details: Record<string, unknown> }>> =>
    (await api.db.query(`SELECT actor, target, details FROM security_audit_log WHERE action = $1 ORDER BY id`, [action])).rows;

  it('logs in with the password and gets a working access token and a refresh token', async () => {
    const res = await login('operator');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ expiresIn: 900, refreshExpiresIn: 7 * 86400, user: { username: 'operator', role: 'CGI_OPERATOR' } });
    expect(typeof res.body.refreshToken).toBe('string');
    const me = await api.http().get('/api/v1/occurrences').set('authorization', `Bearer ${res.body.accessToken}`);
    expect(me.status).toBe(200);
    // Only the hash of the refresh token is stored.
    const { rows } = await api.db.query(`SELECT token_hash FROM refresh_tokens`);
    expect(rows.map((r) => r.token_hash)).not.toContain(res.body.refreshToken);
    expect((await audit('LOGIN_SUCCEEDED')).length).toBeGreaterThan(0);
  });

  it('refuses a wrong password and an unknown user alike, with 401 and the same message', async () => {
    const wrong = await login('viewer', 'not-the-password');
    const unknown = await login('nobody-at-all', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    expect(wrong.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an expired access token and a token signed with another secret', async () => {
    const { rows } = await api.db.query(`SELECT id FROM users WHERE username = 'operator'`);
    const claims = { sub: rows[0].id, username: 'operator', role: 'CGI_OPERATOR', department: null };
    const expired = new JwtService({ secret: api.env.JWT_SECRET }).sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 5 });
    const forged = new JwtService({ secret: 'another-secret-another-secret-another' }).sign(claims, { expiresIn: 600 });
    for (const token of [expired, forged]) {
      const res = await api.http().get('/api/v1/occurrences').set('authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
    const valid = new JwtService({ secret: api.env.JWT_SECRET }).sign(claims, { expiresIn: 600 });
    expect((await api.http().get('/api/v1/occurrences').set('authorization', `Bearer ${valid}`)).status).toBe(200);
  });

  it('refuses a token once it expires, though it was accepted (and kept as verified) before', async () => {
    const { rows } = await api.db.query(`SELECT id FROM users WHERE username = 'operator'`);
    const claims = { sub: rows[0].id, username: 'operator', role: 'CGI_OPERATOR', department: null };
    const exp = Math.floor(Date.now() / 1000) + 2; // 1-2 s from now
    const shortLived = new JwtService({ secret: api.env.JWT_SECRET }).sign({ ...claims, exp });
    const get = () => api.http().get('/api/v1/occurrences').set('authorization', `Bearer ${shortLived}`);
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    const late = await get();
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('rotates the refresh token; reusing a rotated one revokes the whole family', async () => {
    const first = (await login('supervisor')).body;
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    // An attacker replays the first token: refused, and the family (incl. the live third token) dies.
    const replay = await refresh(first.refreshToken);
    expect(replay.status).toBe(401);
    expect((await refresh(third.body.refreshToken)).status).toBe(401);
    const reused = await audit('REFRESH_TOKEN_REUSED');
    expect(reused).toHaveLength(1);
    const { rows } = await api.db.query(
      `SELECT count(*) FILTER (WHERE revoked_at IS NULL)::int AS live, count(*)::int AS total FROM refresh_tokens WHERE family_id = (
         SELECT family_id FROM refresh_tokens WHERE id = (SELECT parent_id FROM refresh_tokens WHERE parent_id IS NOT NULL LIMIT 1))`,
    );
    expect(rows[0]).toEqual({ live: 0, total: 3 });
    // Another login (another family) is unaffected.
    expect((await refresh((await login('supervisor')).body.refreshToken)).status).toBe(200);
  });

  it('refuses an expired refresh token, and a logged-out one', async () => {
    const a = (await login('viewer')).body;
    await api.db.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [a.user.id]);
    expect((await refresh(a.refreshToken)).status).toBe(401);
    const b = (await login('viewer')).body;
    expect((await api.http().post('/api/v1/auth/logout').send({ refreshToken: b.refreshToken })).status).toBe(204);
    expect((await refresh(b.refreshToken)).status).toBe(401);
  });

  it('locks a username from the attacking address only: the operator still logs in from another; audited; an admin unlocks', async () => {
    // The harness trusts loopback proxies (TRUST_PROXY default), so X-Forwarded-For is the client IP.
    const attacker = '203.0.113.66';
    const room = '10.20.0.5';
    for (let i = 0; i < 3; i++) expect((await login('fireAgent', `wrong-${i}`, attacker)).status).toBe(401);
    const locked = await login('fireAgent', TEST_PASSWORD, attacker);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(55);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The same username, the right password, from the operations room: in.
    expect((await login('fireAgent', TEST_PASSWORD, room)).status).toBe(200);
    // …and that success does not lift the attacker's lock.
    expect((await login('fireAgent', TEST_PASSWORD, attacker)).status).toBe(429);
    const lockouts = await audit('LOGIN_LOCKED_OUT');
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]).toMatchObject({ actor: 'fireAgent', details: { ip: attacker, failures: 3, seconds: 60 } });
    const refused = (await audit('LOGIN_FAILED')).filter((f) => f.details.reason === 'LOCKED_OUT');
    expect(refused.map((r) => r.details.scope)).toEqual(['USERNAME_AND_IP', 'USERNAME_AND_IP']);
    // An unknown username locks the same way, so a lockout says nothing about existence.
    for (let i = 0; i < 3; i++) await login('ghost-user', 'x', attacker);
    expect((await login('ghost-user', 'x', attacker)).status).toBe(429);
    // An admin unlocks: the attacker's address may try again at once; the unlock names it.
    const { rows } = await api.db.query(`SELECT id FROM users WHERE username = 'fireAgent'`);
    expect((await api.http().post(`/api/v1/admin/users/${rows[0].id}/unlock`).set('authorization', api.auth('admin'))).status).toBe(204);
    const [unlocked] = await audit('USER_UNLOCKED');
    expect(unlocked.details).toMatchObject({ username: 'fireAgent', addresses: [attacker] });
    expect((await login('fireAgent', TEST_PASSWORD, attacker)).status).toBe(200);
  });

  it('a successful login resets the failure count', async () => {
    await login('environmentAgent', 'bad-1');
    await login('environmentAgent', 'bad-2');
    expect((await login('environmentAgent')).status).toBe(200);
    await login('environmentAgent', 'bad-3');
    await login('environmentAgent', 'bad-4');
    expect((await login('environmentAgent')).status).toBe(200);
  });

  it('a disabled user cannot log in or refresh', async () => {
    const s = (await login('mobilityAgent')).body;
    const disabled = await api.http().post(`/api/v1/admin/users/${s.user.id}/disable`).set('authorization', api.auth('admin'));
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    // The access token in hand is refused from the next request, though it has not expired.
    const after = await api.http().get('/api/v1/occurrences').set('authorization', `Bearer ${s.accessToken}`);
    expect(after.status).toBe(401);
    expect(after.body.error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'This account is disabled' });
    expect((await refresh(s.refreshToken)).status).toBe(401);
    expect((await login('mobilityAgent')).status).toBe(401);
    expect((await audit('USER_DISABLED'))).toHaveLength(1);
  });
});

describe('lockout growth and the per-address limit', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({
      RATE_LIMIT_KEY_PREFIX: prefix(),
      LOGIN_MAX_FAILURES: '3',
      LOGIN_LOCKOUT_BASE_SECONDS: '1',
      LOGIN_LOCKOUT_SECONDS: '3',
      LOGIN_IP_MAX_FAILURES_PER_DAY: '12',
      RATE_LIMIT_LOGIN_IP_PER_MINUTE: '1000',
    });
  });
  afterAll(() => api.close());

  const login = (username: string, password: string, ip: string) =>
    api.http().post('/api/v1/auth/login').set('x-forwarded-for', ip).send({ username, password });
  const audit = async (action: string): Promise<Array<{ details: Record<string, unknown> }>> =>
    (await api.db.query(`SELECT details FROM security_audit_log WHERE action = $1 ORDER BY id`, [action])).rows;

  it('each further failure from the locked address doubles the lock, up to LOGIN_LOCKOUT_SECONDS', async () => {
    const ip = '203.0.113.70';
    const retryAfter = async (): Promise<number> => {
      const res = await login('civilProtectionAgent', 'still-wrong', ip);
      expect(res.status).toBe(429);
      return Number(res.headers['retry-after']);
    };
    const failUntilLocked = async (): Promise<void> => {
      // Wait out the current lock, then one more failure sets the next one.
      for (let tries = 0; ; tries++) {
        const res = await login('civilProtectionAgent', 'still-wrong', ip);
        if (res.status === 401) return;
        expect(res.status).toBe(429);
        expect(tries).toBeLessThan(40);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    for (let i = 0; i < 3; i++) expect((await login('civilProtectionAgent', 'wrong', ip)).status).toBe(401);
    const locks = [await retryAfter()];
    for (let i = 0; i < 3; i++) {
      await failUntilLocked();
      locks.push(await retryAfter());
    }
    expect(locks).toEqual([1, 2, 3, 3]); // base 1 s, doubling, capped at 3 s in this test
    const seconds = (await audit('LOGIN_LOCKED_OUT')).filter((l) => l.details.ip === ip).map((l) => l.details.seconds);
    expect(seconds).toEqual([1, 2, 3, 3]);
  }, 30000);

  it('one address failing for many usernames is stopped after LOGIN_IP_MAX_FAILURES_PER_DAY, whatever the username', async () => {
    const ip = '198.51.100.77';
    // 12 failures a day from one address: usernames tried once each, so no (username, IP) lock.
    for (let i = 0; i < 12; i++) expect((await login(`spray-${i}`, 'guess', ip)).status).toBe(401);
    const res = await login('operator', TEST_PASSWORD, ip);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(80000);
    expect((await login('operator', TEST_PASSWORD, '198.51.100.78')).status).toBe(200);
  });
});

describe('rate limits', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({
      RATE_LIMIT_KEY_PREFIX: prefix(),
      RATE_LIMIT_USER_PER_MINUTE: '5',
      RATE_LIMIT_API_KEY_PER_MINUTE: '3',
      RATE_LIMIT_PUBLIC_IP_PER_MINUTE: '3',
      RATE_LIMIT_LOGIN_IP_PER_MINUTE: '2',
    });
  });
  afterAll(() => api.close());

  it('answers 429 with Retry-After in the error shape past the per-user limit; other users are unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await api.http().get('/api/v1/occurrences').set('authorization', api.auth('viewer'))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const res = await api.http().get('/api/v1/occurrences').set('authorization', api.auth('viewer'));
    expect(res.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(typeof res.body.error.correlationId).toBe('string');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await api.http().get('/api/v1/occurrences').set('authorization', api.auth('operator'))).status).toBe(200);
  });

  it('limits public endpoints per client IP, and login more tightly', async () => {
    const parishes = (ip: string) => api.http().get('/api/v1/reference/parishes').set('x-forwarded-for', ip);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await parishes('198.51.100.7')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await parishes('198.51.100.8')).status).toBe(200);
    const login = () => api.http().post('/api/v1/auth/login').set('x-forwarded-for', '198.51.100.9').send({ username: 'operator', password: 'wrong' });
    expect([(await login()).status, (await login()).status, (await login()).status]).toEqual([401, 401, 429]);
    // Health probes are never limited.
    for (let i = 0; i < 5; i++) expect((await api.http().get('/health/live').set('x-forwarded-for', '198.51.100.7')).status).toBe(200);
  });

  it('limits per API key', async () => {
    const created = await api.http().post('/api/v1/admin/api-keys').set('authorization', api.auth('admin'))
      .send({ clientName: 'Urban Platform', scopes: ['reference:read'] });
    expect(created.status).toBe(201);
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await api.http().get('/api/v1/reference/departments').set('x-api-key', created.body.key)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429]);
  });
});

describe('integration API keys', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_KEY_PREFIX: prefix() });
  });
  afterAll(() => api.close());

  const createKey = (scopes: string[], clientName = 'Gabinete do Munícipe') =>
    api.http().post('/api/v1/admin/api-keys').set('authorization', api.auth('admin')).send({ clientName, scopes });
  const report = (key: string, body: object = {}, header: 'x-api-key' | 'authorization' = 'x-api-key') =>
    api.http().post('/api/v1/occurrences').set(header, header === 'authorization' ? `ApiKey ${key}` : key)
      .send({ category: 'FALLEN_TREE', location: PLACES.santaCatarina, description: 'Árvore caída na via', ...body });

  it('is shown once at creation, stored only as a hash, and lets the client report as CITIZEN', async () => {
    const created = await createKey(['occurrences:create']);
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^cgi_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const stored = await api.db.query(`SELECT key_hash, prefix FROM api_keys WHERE id = $1`, [created.body.id]);
    expect(JSON.stringify(stored.rows)).not.toContain(key.split('_').slice(2).join('_'));
    const listed = await api.http().get('/api/v1/admin/api-keys').set('authorization', api.auth('admin'));
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(listed.body[0]).toMatchObject({ clientName: 'Gabinete do Munícipe', scopes: ['occurrences:create'], revokedAt: null });

    const res = await report(key, { reporter: { name: 'Maria', phone: '+351912345678' } });
    expect(res.status).toBe(201);
    expect(res.body.source).toBe('CITIZEN');
    expect((await report(key, { source: 'SENSOR' }, 'authorization')).body.source).toBe('SENSOR');
    const operator = await report(key, { source: 'OPERATOR' });
    expect(operator.status).toBe(400);
    expect(operator.body.error.fields).toEqual([expect.objectContaining({ field: 'source' })]);
    const used = await api.db.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [created.body.id]);
    expect(used.rows[0].last_used_at).not.toBeNull();
    // Use is audited at most once a minute per key.
    const audits = await api.db.query(`SELECT count(*)::int AS n FROM security_audit_log WHERE action = 'API_KEY_USED' AND target = $1`, [created.body.id]);
    expect(audits.rows[0].n).toBe(1);
  });

  it('reaches only the endpoints of its scopes (403 elsewhere), and never personal data', async () => {
    const key = (await createKey(['reference:read'], 'Urban Platform')).body.key;
    expect((await report(key)).status).toBe(403);
    expect((await api.http().get('/api/v1/reference/categories').set('x-api-key', key)).status).toBe(200);
    const o = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category: 'FALLEN_TREE', location: PLACES.santaCatarina, description: 'x', reporter: { name: 'Rui' } });
    for (const path of ['/api/v1/occurrences', `/api/v1/occurrences/${o.body.id}`, `/api/v1/occurrences/${o.body.id}/reporter`, '/api/v1/events', '/api/v1/audit']) {
      expect((await api.http().get(path).set('x-api-key', key)).status).toBe(403);
    }
  });

  it('is refused at once when revoked, and a wrong or malformed key is 401', async () => {
    const created = (await createKey(['occurrences:create'])).body;
    expect((await report(created.key)).status).toBe(201);
    expect((await api.http().delete(`/api/v1/admin/api-keys/${created.id}`).set('authorization', api.auth('admin'))).status).toBe(204);
    expect((await report(created.key)).status).toBe(401);
    const tampered = created.key.slice(0, -3) + (created.key.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await report(tampered)).status).toBe(401);
    expect((await report('not-a-key')).status).toBe(401);
    const actions = (await api.db.query(`SELECT action FROM security_audit_log WHERE target = $1 ORDER BY id`, [created.id])).rows.map((r) => r.action);
    expect(actions).toEqual(['API_KEY_CREATED', 'API_KEY_USED', 'API_KEY_REVOKED']);
  });

  it('only ADMIN manages keys', async () => {
    for (const who of ['operator', 'supervisor', 'fireAgent', 'viewer'] as const) {
      expect((await api.http().post('/api/v1/admin/api-keys').set('authorization', api.auth(who)).send({ clientName: 'x', scopes: ['reference:read'] })).status).toBe(403);
    }
    expect((await createKey(['everything'])).status).toBe(400);
  });
});

describe('users, personal data and the audit log', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_KEY_PREFIX: prefix() });
  });
  afterAll(() => api.close());

  const admin = () => api.auth('admin');

  it('creates users bound to one department iff a department role, and they can log in', async () => {
    const base = { displayName: 'Ana Silva', password: 'a-long-enough-password' };
    const noDept = await api.http().post('/api/v1/admin/users').set('authorization', admin()).send({ ...base, username: 'ana', role: 'DEPARTMENT_AGENT' });
    expect(noDept.status).toBe(400);
    expect(noDept.body.error.fields).toEqual([expect.objectContaining({ field: 'department' })]);
    const cgiDept = await api.http().post('/api/v1/admin/users').set('authorization', admin()).send({ ...base, username: 'ana', role: 'CGI_OPERATOR', department: 'FIRE' });
    expect(cgiDept.status).toBe(400);
    const shortPw = await api.http().post('/api/v1/admin/users').set('authorization', admin()).send({ ...base, password: 'short', username: 'ana', role: 'VIEWER' });
    expect(shortPw.status).toBe(400);
    const integration = await api.http().post('/api/v1/admin/users').set('authorization', admin()).send({ ...base, username: 'ana', role: 'INTEGRATION' });
    expect(integration.status).toBe(400);
    expect(await api.count(`users WHERE username = 'ana'`)).toBe(0);
    const ok = await api.http().post('/api/v1/admin/users').set('authorization', admin()).send({ ...base, username: 'ana', role: 'DEPARTMENT_SUPERVISOR', department: 'FIRE' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ username: 'ana', role: 'DEPARTMENT_SUPERVISOR', department: 'FIRE', disabled: false });
    expect(ok.body.passwordHash).toBeUndefined();
    expect((await api.http().post('/api/v1/admin/users').set('authorization', admin()).send({ ...base, username: 'ana', role: 'VIEWER' })).status).toBe(409);
    const login = await api.http().post('/api/v1/auth/login').send({ username: 'ana', password: base.password });
    expect(login.body.user).toMatchObject({ role: 'DEPARTMENT_SUPERVISOR', department: 'FIRE' });
    const list = await api.http().get('/api/v1/admin/users').set('authorization', admin());
    expect(list.body.map((u: { username: string }) => u.username)).toContain('ana');
  });

  it('audits every read of reporter contact data; only CGI operating roles read it', async () => {
    const o = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category: 'FIRE_BUILDING', location: PLACES.campanha, description: 'Fumo', reporter: { name: 'Rui', email: 'rui@example.pt' } });
    // The occurrence views and events carry no contact data.
    expect(JSON.stringify(o.body)).not.toContain('rui@example.pt');
    const feed = await api.http().get('/api/v1/events').set('authorization', api.auth('fireAgent'));
    expect(JSON.stringify(feed.body)).not.toContain('rui@example.pt');
    const wall = await api.http().get(`/api/v1/occurrences/${o.body.id}`).set('authorization', api.auth('viewer'));
    expect(JSON.stringify(wall.body)).not.toContain('rui@example.pt');

    const read = await api.http().get(`/api/v1/occurrences/${o.body.id}/reporter`).set('authorization', api.auth('supervisor'));
    expect(read.body).toEqual({ name: 'Rui', phone: null, email: 'rui@example.pt' });
    for (const who of ['fireAgent', 'viewer', 'admin'] as const) {
      expect((await api.http().get(`/api/v1/occurrences/${o.body.id}/reporter`).set('authorization', api.auth(who))).status).toBe(403);
    }
    const { rows } = await api.db.query(`SELECT actor, target FROM security_audit_log WHERE action = 'PERSONAL_DATA_READ'`);
    expect(rows).toEqual([{ actor: 'CGI_SUPERVISOR:supervisor', target: `occurrence:${o.body.id}` }]);
  });

  it('audits rule changes, routing overrides and operational levels in their transaction; ADMIN and CGI_SUPERVISOR read the log', async () => {
    const o = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category: 'FALLEN_TREE', location: PLACES.paranhos, description: 'Árvore' });
    const ov = await api.http().post(`/api/v1/occurrences/${o.body.id}/routing-override`).set('authorization', api.auth('supervisor'))
      .send({ lead: 'FIRE', support: [], priority: 'P1', reason: 'Pessoa presa' });
    expect(ov.status).toBe(200);
    expect((await api.http().put('/api/v1/operational-levels/CITY').set('authorization', api.auth('supervisor')).send({ level: 'ALERT', reason: 'Tempestade' })).status).toBe(200);
    const active = (await api.http().get('/api/v1/rule-sets/active').set('authorization', api.auth('supervisor'))).body;
    expect((await api.http().post('/api/v1/rule-sets').set('authorization', api.auth('supervisor')).send({ document: active.document, comment: 'same' })).status).toBe(201);
    // A refused rule set writes no audit entry (nothing changed).
    expect((await api.http().post('/api/v1/rule-sets').set('authorization', api.auth('supervisor')).send({ document: { categories: [] } })).status).toBeGreaterThanOrEqual(400);

    const log = await api.http().get('/api/v1/audit?limit=50').set('authorization', api.auth('admin'));
    expect(log.status).toBe(200);
    const actions = log.body.items.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === 'RULE_SET_PUBLISHED')).toHaveLength(1);
    expect(actions).toEqual(expect.arrayContaining(['ROUTING_OVERRIDDEN', 'OPERATIONAL_LEVEL_SET']));
    const override = log.body.items.find((e: { action: string }) => e.action === 'ROUTING_OVERRIDDEN');
    expect(override).toMatchObject({ actor: 'CGI_SUPERVISOR:supervisor', target: `occurrence:${o.body.id}`, ip: expect.any(String) });
    expect(override.details.override).toMatchObject({ lead: 'FIRE', reason: 'Pessoa presa' });
    // Paging.
    const page1 = await api.http().get('/api/v1/audit?limit=2').set('authorization', api.auth('supervisor'));
    const page2 = await api.http().get(`/api/v1/audit?limit=2&before=${page1.body.nextBefore}`).set('authorization', api.auth('supervisor'));
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    expect(Number(page2.body.items[0].id)).toBeLessThan(Number(page1.body.items[1].id));
    expect((await api.http().get('/api/v1/audit').set('authorization', api.auth('operator'))).status).toBe(403);
    // Append-only.
    await expect(api.db.query(`DELETE FROM security_audit_log`)).rejects.toThrow(/append-only/);
  });
});
