import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ERROR_CODES } from '@cgi/shared';
import { ApiKeyService } from '../src/auth/api-key.service';
import { PLACES, startApi, type ApiHarness, type TestIdentity } from '../../../test/support/api-harness';

/**
 * Random input thrown at every write endpoint (from the OpenAPI document, plus Open311's and the
 * status page's), each both authenticated (by a role that may call it) and anonymous:
 * - values invalid by construction (not an object, a key outside the DTO, nesting deeper than the
 *   limit, a huge string, a path parameter too long, NUL or badly percent-encoded) must answer
 *   4xx, never 5xx, and write nothing;
 * - objects of the DTO's own keys with random values (NUL characters among them) must never
 *   answer 5xx, and a 4xx writes nothing (a 2xx is allowed: random values can be valid);
 * - every 4xx of the REST API is in the one error shape, with the correlation id of its header.
 * "Nothing written" = the digest of every table is unchanged, but side tables: the audit log,
 * refresh tokens, and event_consumers (cursors that background consumers advance on their own).
 * Seeded and bounded: the same cases on every run.
 */
const RUNS = 12;

interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

type Method = 'post' | 'put' | 'patch' | 'delete';
interface Target {
  method: Method;
  path: string;
  keys: string[];
  /** How the authenticated call authenticates (null: a public endpoint). */
  as: TestIdentity | 'open311' | null;
  format: 'json' | 'form';
}

/** A request body: the text sent, and what it is (for the failure report). */
interface Body {
  text: string;
  label: string;
}

const json = (v: unknown, label = 'json'): Body => ({ text: JSON.stringify(v), label: `${label} ${JSON.stringify(v).slice(0, 100)}` });

describe('fuzz: random input at every write endpoint, authenticated and anonymous', () => {
  let api: ApiHarness;
  let occurrenceId: string;
  let reference: string;
  let open311Key: string;
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
    reference = res.body.reference;
    await api.app.get(ApiKeyService).create('Fuzz', ['reference:read'], 'test');
    open311Key = (await api.app.get(ApiKeyService).create('Fuzz 311', ['occurrences:create'], 'test')).key;
    // Columns that move on use, not on writes of the fuzzed endpoints: api_keys.last_used_at
    // (Open311's key is used), users.last_login_at.
    const { rows } = await api.db.query<{ table_name: string; columns: string }>(
      `SELECT c.table_name, string_agg(quote_ident(c.column_name), ', ' ORDER BY c.ordinal_position) AS columns
         FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          AND c.table_name NOT IN ('security_audit_log', 'refresh_tokens', 'event_consumers', 'spatial_ref_sys', 'migrations')
          AND c.column_name NOT IN ('last_used_at', 'last_login_at')
        GROUP BY c.table_name ORDER BY c.table_name`,
    );
    digestSql = `SELECT ${rows
      .map(({ table_name: t, columns }) => `(SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM (SELECT ${columns} FROM ${t}) x) AS "${t}"`)
      .join(', ')}`;
  });
  afterAll(() => api.close());

  const digest = async (): Promise<Record<string, string>> => (await api.db.query(digestSql)).rows[0];
  const changed = (a: Record<string, string>, b: Record<string, string>): string[] => Object.keys(a).filter((t) => a[t] !== b[t]);

  // --- generators ---
  const anyJson = fc.jsonValue({ maxDepth: 4 });
  const notAnObject = anyJson.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v));
  const unknownKey = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `zz_${s}`);
  const withNul = fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([a, b]) => `${a}\u0000${b}`);
  /** Nested deeper than the API's limit (32): arrays from 33 to 3,000 levels, objects to 20,000. */
  const deep = fc.oneof(
    fc.integer({ min: 33, max: 3000 }).map((n) => ({ text: '['.repeat(n) + ']'.repeat(n), label: `[×${n}` })),
    fc.integer({ min: 33, max: 20_000 }).map((n) => ({ text: '{"k":'.repeat(n) + '1' + '}'.repeat(n), label: `{×${n}` })),
  );
  /** A string of 10,000 characters (valid JSON, too long for every field) or 300,000 (over the body limit). */
  const huge = fc.constantFrom(10_000, 300_000);
  /** Path parameters that cannot name anything: too long for the router, NUL, bad percent-encoding, not a UUID. */
  const badParam = fc.oneof(
    fc.constant('A'.repeat(120)),
    fc.constant('%00'),
    fc.constant('%zz'),
    fc.constant(randomUUID()),
    fc.string({ minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s)),
  );

  /** Bodies invalid by construction for `keys` (or for a form endpoint's fields). */
  const invalidBody = (keys: string[]): fc.Arbitrary<Body> => {
    const known = keys.length ? fc.dictionary(fc.constantFrom(...keys), anyJson, { maxKeys: keys.length }) : fc.constant({});
    return fc.oneof(
      notAnObject.map((v) => json(v, 'not an object')),
      fc.tuple(known, unknownKey, anyJson).map(([o, k, v]) => json({ ...o, [k]: v }, 'unknown key')),
      deep,
      fc.tuple(fc.constantFrom(...(keys.length ? keys : ['body'])), deep).map(([k, d]) => ({ text: `{"${k}":${d.text}}`, label: `${k}: ${d.label}` })),
      fc.tuple(fc.constantFrom(...(keys.length ? keys : ['body'])), huge).map(([k, n]) => ({ text: JSON.stringify({ [k]: 'x'.repeat(n) }), label: `${k}: "x"×${n}` })),
    );
  };
  /** Bodies of the DTO's own keys with random values (may be valid), NUL characters among them. */
  const knownBody = (keys: string[]): fc.Arbitrary<Body> =>
    keys.length
      ? fc
          .dictionary(fc.constantFrom(...keys), fc.oneof(anyJson, withNul), { maxKeys: keys.length })
          .map((v) => json(v, 'known keys'))
      : fc.constant(json({}, 'empty'));

  // --- assertions ---
  function checkShape(path: string, res: { status: number; body: unknown; headers: Record<string, string> }): string | null {
    if (!path.startsWith('/api/v1/')) return null;
    const e = (res.body as { error?: { code?: unknown; message?: unknown; correlationId?: unknown; fields?: unknown } })?.error;
    if (!e || typeof e.message !== 'string' || !(ERROR_CODES as readonly unknown[]).includes(e.code)) return 'not the error shape';
    if (typeof e.correlationId !== 'string' || e.correlationId !== res.headers['x-correlation-id']) return 'no correlation id';
    if (e.fields !== undefined && !(Array.isArray(e.fields) && e.fields.every((f) => typeof f?.field === 'string' && typeof f?.message === 'string'))) {
      return 'fields malformed';
    }
    return null;
  }

  const concrete = (path: string, param?: string): string =>
    path.replace('{id}', param ?? occurrenceId).replace('{scope}', param ?? 'CITY').replace('{reference}', param ?? reference);

  async function send(t: Target, anonymous: boolean, body: Body, param?: string) {
    // Open311 clients send their key as the `api_key` parameter (here in the query string).
    const key = !anonymous && t.as === 'open311' ? `?api_key=${encodeURIComponent(open311Key)}` : '';
    const req = api.http()[t.method](concrete(t.path, param) + key);
    if (!anonymous && t.as && t.as !== 'open311') req.set('authorization', api.auth(t.as));
    if (t.format === 'form') {
      // A form's fields from the JSON body when it is an object of scalars; its text as is otherwise.
      let form = body.text;
      try {
        const v = JSON.parse(body.text) as unknown;
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          form = new URLSearchParams(Object.entries(v).map(([k, x]): [string, string] => [k, typeof x === 'string' ? x : JSON.stringify(x)])).toString();
        }
      } catch {
        /* the text itself */
      }
      return req.set('content-type', 'application/x-www-form-urlencoded').send(form);
    }
    return req.set('content-type', 'application/json').send(body.text);
  }

  it('covers every write endpoint: no 5xx, the one error shape, nothing written on a 4xx', async () => {
    const doc = (await api.http().get('/api/docs/openapi.json')).body as OpenApi;
    const targets = [...writeTargets(doc), ...otherTargets()];
    expect(targets.filter((t) => t.path.startsWith('/api/v1/')).length).toBeGreaterThanOrEqual(24);
    if (process.env.FUZZ_LIST) console.log(targets.map((t) => `${t.method} ${t.path} [${t.keys.join(',')}]`).join('\n'));
    const failures: string[] = [];
    let before = await digest();
    let requests = 0;

    const judge = async (t: Target, anonymous: boolean, what: string, mayPass: boolean, res: { status: number; body: unknown; headers: Record<string, string>; text: string }) => {
      requests += 1;
      const after = await digest();
      const tag = `${t.method.toUpperCase()} ${t.path}${anonymous ? ' (anonymous)' : ''} ${what}`;
      if (res.status >= 500) failures.push(`${tag} → ${res.status}`);
      else if (res.status < 400 && !mayPass) failures.push(`${tag} → ${res.status}`);
      else if (res.status >= 400) {
        const shape = checkShape(t.path, res);
        if (shape) failures.push(`${tag} → ${res.status}: ${shape} ${res.text.slice(0, 120)}`);
        if (changed(before, after).length) failures.push(`${tag} wrote ${changed(before, after).join(',')} on ${res.status}`);
      }
      if (res.text.match(/at \w+ \(|SELECT|INSERT|stack/i)) failures.push(`${tag}: internals leaked`);
      before = after;
    };

    let seed = 20260301;
    for (const t of targets) {
      for (const anonymous of t.as ? [false, true] : [false]) {
        await fc.assert(
          fc.asyncProperty(invalidBody(t.keys), async (body) => judge(t, anonymous, body.label, false, await send(t, anonymous, body))),
          { numRuns: RUNS, seed: seed++ },
        );
        await fc.assert(
          fc.asyncProperty(knownBody(t.keys), async (body) => judge(t, anonymous, body.label, true, await send(t, anonymous, body))),
          { numRuns: RUNS, seed: seed++ },
        );
        if (/\{(id|scope|reference)\}/.test(t.path)) {
          await fc.assert(
            fc.asyncProperty(badParam, async (param) => judge(t, anonymous, `param ${param.slice(0, 40)}`, false, await send(t, anonymous, json({}), param))),
            { numRuns: RUNS / 2, seed: seed++ },
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(1000);
    if (process.env.FUZZ_LIST) console.log(`${requests} requests`);
  }, 300_000);

  /** Every POST/PUT/PATCH/DELETE of the REST API, with its DTO's keys when it takes a body. */
  function writeTargets(doc: OpenApi): Target[] {
    const out: Target[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        const op = ops[method];
        if (!op) continue;
        const ref = op.requestBody?.content?.['application/json']?.schema?.$ref;
        const schema = ref ? doc.components.schemas[ref.split('/').pop()!] : undefined;
        const as: TestIdentity | null = path.startsWith('/api/v1/auth/') ? null : path.startsWith('/api/v1/admin/') ? 'admin' : 'supervisor';
        out.push({ method, path, keys: Object.keys(schema?.properties ?? {}), as, format: 'json' });
      }
    }
    return out;
  }

  /**
   * The write endpoints outside the OpenAPI document: Open311's (its own error shape) and the
   * status page's comment form (an HTML answer). Open311 POST is form-encoded: a JSON body, whatever
   * its values (NUL, numbers, arrays, objects), must be refused (415), never stored.
   */
  function otherTargets(): Target[] {
    const open311 = ['service_code', 'lat', 'long', 'address_string', 'description', 'email', 'first_name', 'last_name', 'phone', 'media_url', 'device_id', 'account_id'];
    return [
      { method: 'post', path: '/open311/v2/requests.json', keys: open311, as: 'open311', format: 'form' },
      { method: 'post', path: '/open311/v2/requests.json', keys: open311, as: 'open311', format: 'json' },
      { method: 'post', path: '/status/{reference}/comments', keys: ['token', 'text'], as: null, format: 'form' },
    ];
  }
});
