import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi, type ApiHarness } from '../../../test/support/api-harness';

describe('the console served by the API', () => {
  let api: ApiHarness;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("hi")');
    api = await startApi({ CONSOLE_DIST_DIR: dist, CONSOLE_TILE_URL: 'none' });
  });

  afterAll(async () => {
    await api.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and for the console routes (SPA fallback)', async () => {
    for (const path of ['/', '/videowall', '/occurrences/123']) {
      const res = await api.http().get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves the hashed assets with a long cache', async () => {
    const res = await api.http().get('/assets/index-abc123.js').expect(200);
    expect(res.text).toContain('console.log');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('never answers index.html for the API, health or socket paths', async () => {
    const res = await api.http().get('/api/v1/no-such-thing').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    await api.http().get('/health/live').expect(200);
    const health = await api.http().get('/health/nope');
    expect(health.status).toBe(404);
    expect(health.text).not.toContain('<div id="root">');
  });

  it('gives the console its runtime configuration (no tile server: offline map)', async () => {
    const res = await api.http().get('/console-config.json').expect(200);
    expect(res.body).toEqual({ tileUrl: '', tileAttribution: expect.stringContaining('OpenStreetMap') });
  });
});
