import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { ApiKeyService } from '../src/auth/api-key.service';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';

/**
 * Random JSON thrown at every write endpoint that takes a body (from the OpenAPI document):
 * - values invalid by construction (not an object, or an object with a key outside the DTO)
 *   must answer 4xx, never 5xx, and write nothing;
 * - objects of the DTO's own keys with random values must never answer 5xx, and a 4xx writes
 *   nothing (a 2xx is allowed: random values can be valid, e.g. a note's text).
 * "Nothing written" = the digest of every table is unchanged, but side tables: the audit log,
 * refresh tokens, and event_consumers (cursors that background consumers advance on their own).
 */
const RUNS = 40;

interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

describe('fuzz: random JSON at every write endpoint', () => {
  let api: ApiHarness;
  let occurrenceId: string;
  let digestSql: string;

  beforeAll(async () => {
    api = await startApi({
      RATE_LIMIT_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}`,
      RATE_LIMIT_USER_PER_MINUTE: '1000000', RATE_LIMIT_PUBLIC_IP_PER_MINUTE: '1000000', RATE_LIMIT_LOGIN_IP_PER_MINUTE: '1000000',
      RETENTION_JOB_CRON: 'off',
    });
    const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category: 'FIRE_BUILDING', location: PLACES.campanha, description: 'Incêndio', reporter: { name: 'Rui' } });
    occurrenceId = res.body.id;
    await api.app.get(ApiKeyService).create('Fuzz', ['reference:read'], 'test');
    const { rows } = await api.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
         AND table_name NOT IN ('security_audit_log', 'refresh_tokens', 'event_consumers', 'spatial_ref_sys', 'migrations') ORDER BY table_name`,
    );
    // api_keys.last_used_at and users.last_login_at move on use, not on writes of the fuzzed endpoints.
    digestSql = `SELECT ${rows.map(({ table_name: t }) => `(SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM ${t} x) AS "${t}"`).join(', ')}`;
  });
  afterAll(() => api.close());

  const digest = async (): Promise<Record<string, string>> => (await api.db.query(digestSql)).rows[0];
  const changed = (a: Record<string, string>, b: Record<string, string>): string[] => Object.keys(a).filter((t) => a[t] !== b[t]);
  const who = (path: string): TestIdentity | null =>
    path.startsWith('/api/v1/auth/') ? null : path.startsWith('/api/v1/admin/') ? 'admin' : 'supervisor';
  const concrete = (path: string): string =>
    path.replace('{id}', occurrenceId).replace('{scope}', 'CITY');

  const anyJson = fc.jsonValue({ maxDepth: 4 });
  const notAnObject = anyJson.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v));
  const unknownKey = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `zz_${s}`);

  it('covers every write endpoint with a body', async () => {
    const doc = (await api.http().get('/api/docs/openapi.json')).body as OpenApi;
    const targets = writeTargets(doc);
    expect(targets.length).toBeGreaterThanOrEqual(20);
    const failures: string[] = [];
    for (const { method, path, keys } of targets) {
      const known = keys.length ? fc.dictionary(fc.constantFrom(...keys), anyJson, { maxKeys: keys.length }) : fc.constant({});
      const invalid = fc.oneof(
        notAnObject,
        fc.tuple(known, unknownKey, anyJson).map(([o, k, v]) => ({ ...o, [k]: v })),
      );
      let before = await digest();
      const send = async (body: unknown) => {
        const req = api.http()[method](concrete(path)).set('content-type', 'application/json');
        const as = who(path);
        if (as) req.set('authorization', api.auth(as));
        return req.send(JSON.stringify(body));
      };
      await fc.assert(
        fc.asyncProperty(invalid, async (body) => {
          const res = await send(body);
          const after = await digest();
          if (res.status < 400 || res.status >= 500) failures.push(`${method.toUpperCase()} ${path} ${JSON.stringify(body).slice(0, 120)} → ${res.status}`);
          else if (changed(before, after).length) failures.push(`${method.toUpperCase()} ${path} wrote ${changed(before, after).join(',')} on ${res.status}`);
          if (res.status >= 500 && res.text.match(/at \w+ \(|SELECT|INSERT|stack/i)) failures.push(`${path}: internals leaked`);
          before = after;
        }),
        { numRuns: RUNS / 2, seed: 20260301 },
      );
      await fc.assert(
        fc.asyncProperty(known, async (body) => {
          const res = await send(body);
          const after = await digest();
          if (res.status >= 500) failures.push(`${method.toUpperCase()} ${path} ${JSON.stringify(body).slice(0, 120)} → ${res.status}`);
          else if (res.status >= 400 && changed(before, after).length) failures.push(`${method.toUpperCase()} ${path} wrote ${changed(before, after).join(',')} on ${res.status}`);
          before = after;
        }),
        { numRuns: RUNS / 2, seed: 20260302 },
      );
    }
    expect(failures).toEqual([]);
  });

  function writeTargets(doc: OpenApi): Array<{ method: 'post' | 'put' | 'delete'; path: string; keys: string[] }> {
    const out: Array<{ method: 'post' | 'put' | 'delete'; path: string; keys: string[] }> = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of ['post', 'put', 'delete'] as const) {
        const op = ops[method];
        const ref = op?.requestBody?.content?.['application/json']?.schema?.$ref;
        if (!op || !ref) continue;
        const schema = doc.components.schemas[ref.split('/').pop()!];
        out.push({ method, path, keys: Object.keys(schema?.properties ?? {}) });
      }
    }
    return out;
  }
});
