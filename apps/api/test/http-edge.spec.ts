import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentSecurityPolicy, tileSource } from '../src/common/content-security-policy';
import { validateEnv } from '../src/config/env';
import { startApi, type ApiHarness } from '../../../test/support/api-harness';

const UUID = /^[0-9a-f-]{36}$/;

/** The one error shape, with its correlation id (also the response header). */
function expectErrorShape(res: { status: number; body: unknown; headers: Record<string, string> }, code: string, field?: string): void {
  const body = res.body as { error: { code: string; correlationId: string; fields?: Array<{ field: string }> } };
  expect(body.error.code).toBe(code);
  expect(body.error.correlationId).toMatch(UUID);
  expect(res.headers['x-correlation-id']).toBe(body.error.correlationId);
  if (field) expect(body.error.fields?.map((f) => f.field)).toContain(field);
}

describe('the HTTP edge', () => {
  let api: ApiHarness;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title><div id="root"></div>');
    api = await startApi({ CONSOLE_DIST_DIR: dist, CONSOLE_TILE_URL: 'https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png' });
  });
  afterAll(async () => {
    await api.close();
    rmSync(dist, { recursive: true, force: true });
  });

  describe('Content-Security-Policy', () => {
    const directives = (header: string | undefined): Record<string, string> =>
      Object.fromEntries((header ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));

    it('is strict on the console: scripts and styles from self, images from self and the tile host only', async () => {
      const res = await api.http().get('/videowall').expect(200);
      const csp = directives(res.headers['content-security-policy']);
      expect(csp['script-src']).toBe("'self'");
      expect(csp['style-src']).toBe("'self'");
      expect(csp['script-src-attr']).toBe("'none'");
      expect(csp['img-src']).toBe("'self' data: https://*.tiles.example.org:8443");
      expect(csp['connect-src']).toBe("'self'");
      expect(csp['default-src']).toBe("'self'");
      expect(csp['object-src']).toBe("'none'");
      expect(csp['frame-ancestors']).toBe("'none'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe');
    });

    it('covers the citizens’ status page, which has no inline style or script; its stylesheet comes from self', async () => {
      const res = await api.http().get('/status/OC-2026-000001?token=' + 'a'.repeat(43)).expect(404);
      expect(directives(res.headers['content-security-policy'])['style-src']).toBe("'self'");
      expect(res.text).not.toMatch(/<style|<script|style=/i);
      const href = /<link rel="stylesheet" href="([^"]+)">/.exec(res.text)?.[1];
      expect(href).toMatch(/^\/status\/assets\/status-page\.css\?v=[0-9a-f]{12}$/);
      const css = await api.http().get(href!).expect(200);
      expect(css.headers['content-type']).toMatch(/^text\/css/);
      expect(css.text).toContain('font-family');
    });

    it('gives the OpenAPI UI inline styles, but still no inline script', async () => {
      const res = await api.http().get('/api/docs').expect(200);
      const csp = directives(res.headers['content-security-policy']);
      expect(csp['style-src']).toBe("'self' 'unsafe-inline'");
      expect(csp['script-src']).toBe("'self'");
    });

    it('takes the tile host from CONSOLE_TILE_URL', () => {
      expect(tileSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe('https://tile.openstreetmap.org');
      expect(tileSource('http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png')).toBe('http://127.0.0.1:8080');
      expect(tileSource('https://{s}.tile.example/{z}/{x}/{y}.png')).toBe('https://*.tile.example');
      expect(contentSecurityPolicy({ CONSOLE_TILE_URL: 'none' })['img-src']).toEqual(["'self'", 'data:']);
      expect(() => validateEnv({ ...baseEnv, CONSOLE_TILE_URL: "https://x.example;script-src 'unsafe-inline'/{z}" })).toThrow(/CONSOLE_TILE_URL/);
    });
  });

  describe('bad input at the edge: 4xx in the one error shape', () => {
    const deepArrays = '['.repeat(2000) + ']'.repeat(2000);
    const deepObjects = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);

    it.each([
      ['/api/v1/auth/login', false],
      ['/api/v1/auth/refresh', false],
      ['/api/v1/occurrences', true],
      ['/api/v1/occurrences/00000000-0000-4000-8000-000000000000/notes', true],
    ])('refuses deeply nested JSON on %s (400, body) before validation', async (path, authenticated) => {
      for (const body of [deepArrays, deepObjects, JSON.stringify({ description: JSON.parse('['.repeat(40) + ']'.repeat(40)) })]) {
        const before = await api.count('occurrences');
        const req = api.http().post(path).set('content-type', 'application/json');
        if (authenticated) req.set('authorization', api.auth('operator'));
        const res = await req.send(body);
        expect(res.status).toBe(400);
        expectErrorShape(res, 'VALIDATION_FAILED');
        expect(res.body.error.fields[0].message).toMatch(/deeper than 32/);
        expect(await api.count('occurrences')).toBe(before);
      }
    });

    it('names the top-level field a too-deep value is under', async () => {
      const res = await api.http().post('/api/v1/auth/login').set('content-type', 'application/json')
        .send(JSON.stringify({ username: 'x', password: JSON.parse('['.repeat(50) + ']'.repeat(50)) }));
      expectErrorShape(res, 'VALIDATION_FAILED', 'password');
    });

    it('answers an over-long path parameter with 400 naming the path, without echoing it', async () => {
      const long = 'A'.repeat(120);
      for (const [path, auth] of [[`/api/v1/occurrences/${long}/close`, true], [`/api/v1/occurrences/${long}/close`, false], [`/status/${long}`, false]] as const) {
        const req = api.http().post(path).set('content-type', 'application/json');
        if (auth) req.set('authorization', api.auth('operator'));
        const res = await req.send('{}');
        expect(res.status).toBe(400);
        expectErrorShape(res, 'VALIDATION_FAILED', 'path');
        expect(res.text).not.toContain(long);
      }
    });

    it('answers a malformed percent-encoding with 400 naming the path', async () => {
      const res = await api.http().post('/api/v1/occurrences/%zz/close').set('authorization', api.auth('operator')).send({});
      expect(res.status).toBe(400);
      expectErrorShape(res, 'VALIDATION_FAILED', 'path');
    });

    it('names a path parameter that is not a UUID, or holds a NUL', async () => {
      for (const id of ['not-a-uuid', '%00']) {
        const res = await api.http().post(`/api/v1/occurrences/${id}/close`).set('authorization', api.auth('operator')).send({});
        expect(res.status).toBe(400);
        expectErrorShape(res, 'VALIDATION_FAILED', 'id');
      }
    });

    it('answers a body in another media type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await api.http().post('/api/v1/auth/login').set('content-type', 'application/xml').send('<login/>');
      expect(res.status).toBe(415);
      expectErrorShape(res, 'UNSUPPORTED_MEDIA_TYPE', 'content-type');
    });

    it('answers an unknown route with 404 NOT_FOUND, not echoing the path', async () => {
      const res = await api.http().get('/api/v1/<script>nope</script>').expect(404);
      expectErrorShape(res, 'NOT_FOUND');
      expect(res.text).not.toContain('script');
    });
  });
});

const baseEnv = {
  NODE_ENV: 'test',
  DATABASE_URL: 'postgres://localhost/x',
  REDIS_URL: 'redis://localhost:6379',
  JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
};
