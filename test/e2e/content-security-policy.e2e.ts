/**
 * The Content-Security-Policy in a real browser (ADR 0022): every screen — login, the operator
 * workstation's tabs, an occurrence's detail, the department view, the videowall and the citizen's
 * status page — loads under the API's strict policy with no violation reported, base-map tiles
 * from the configured tile host (a local server on another origin) included. A violation is caught
 * two ways: the page's `securitypolicyviolation` events (listener added before any page script)
 * and Chromium's console messages about the policy.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { OccurrenceDetail } from '@cgi/shared';
import { screenshotPath } from './support/browser';
import { useE2eSession } from './support/session';
import { PASSWORD, freePort, type StackUser } from './support/stack';

// A 1×1 PNG: every tile of the local tile server.
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
let tileServer: Server | undefined;
let tilesServed = 0;

const e2e = useE2eSession(async () => {
  const port = await freePort();
  tileServer = createServer((_req, res) => {
    tilesServed += 1;
    // A slow tile host: tiles are still loading when the map zooms, as on a real network.
    setTimeout(() => res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' }).end(TILE), 250);
  });
  await new Promise<void>((resolve) => tileServer!.listen(port, '127.0.0.1', resolve));
  return { CONSOLE_TILE_URL: `http://127.0.0.1:${port}/{z}/{x}/{y}.png` };
});
after(() => new Promise<void>((resolve) => (tileServer ? tileServer.close(() => resolve()) : resolve())));

/** A page whose CSP violations (events and console messages) land in `violations`. */
async function watchedPage(label: string, viewport = { width: 1400, height: 900 }): Promise<{ page: Page; violations: string[] }> {
  const violations: string[] = [];
  const page = await e2e.newPage(viewport, label);
  await page.exposeBinding('__cspViolation', (_source, v: string) => {
    violations.push(`${label}: ${v}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) violations.push(`${label} (console): ${m.text()}`);
  });
  return { page, violations };
}

async function login(page: Page, user: StackUser): Promise<void> {
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('.shell[data-feed="live"]', { timeout: 15_000 });
}

/** Lets late loads (tiles, fonts, the live feed) settle before reading the violations. */
const settle = (page: Page): Promise<void> => page.waitForTimeout(500);

test('the policy is served and the watch sees a violation when there is one', async () => {
  const res = await fetch(e2e.stack.baseUrl);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /style-src 'self'(;|$)/);
  assert.match(csp, /img-src 'self' data: http:\/\/127\.0\.0\.1:\d+/);
  const { page, violations } = await watchedPage('probe');
  await page.goto(e2e.stack.baseUrl);
  await page.waitForSelector('input[name=username]');
  // An inline script and an inline <style>: both must be refused and reported.
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    const st = document.createElement('style');
    st.textContent = 'body { background: red }';
    document.head.append(st);
    await new Promise((r) => setTimeout(r, 100));
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  await settle(page);
  assert.equal(ran, false, 'the inline script did not run');
  assert.ok(violations.some((v) => v.includes('script-src')), `a script-src violation is reported: ${violations.join(' | ')}`);
  assert.ok(violations.some((v) => v.includes('style-src')), `a style-src violation is reported: ${violations.join(' | ')}`);
});

test('every screen loads with no CSP violation: login, workstation, detail, department, videowall, status page', async () => {
  const all: string[] = [];
  const occurrence = await e2e.stack.api<OccurrenceDetail>('operator', 'POST', '/occurrences', {
    category: 'FALLEN_TREE',
    description: 'Árvore caída na Avenida dos Aliados',
    location: { lat: 41.1483, lon: -8.6109, address: 'Avenida dos Aliados 10' },
  });
  assert.equal(occurrence.status, 'DISPATCHED', 'an operator intake is dispatched at once');

  // Login, then the supervisor's workstation: every tab and an occurrence's detail.
  const workstation = await watchedPage('workstation', { width: 1600, height: 1000 });
  await workstation.page.goto(e2e.stack.baseUrl);
  await workstation.page.waitForSelector('input[name=username]');
  await settle(workstation.page);
  await login(workstation.page, 'supervisor');
  for (const tab of [/Nova ocorrência/, /Triagem/, /Níveis operacionais/, /Ocorrências/]) {
    await workstation.page.getByRole('tab', { name: tab }).click();
    await settle(workstation.page);
  }
  await workstation.page.getByRole('searchbox').fill(occurrence.reference);
  await workstation.page.click(`[data-testid=occurrence-list] [data-reference="${occurrence.reference}"]`);
  await workstation.page.waitForSelector(`[data-testid=occurrence-detail][aria-label="${occurrence.reference}"]`);
  // The base map's tiles came from the tile host and were drawn.
  await workstation.page.waitForSelector('img.leaflet-tile-loaded', { timeout: 10_000 });
  await settle(workstation.page);
  // Zoom twice while the tiles load: Leaflet aborts the tiles still in flight by pointing them at
  // its own blank data: image, which the policy must allow (ADR 0022).
  await workstation.page.locator('.leaflet-container').first().hover();
  await workstation.page.mouse.wheel(0, -500);
  await new Promise((r) => setTimeout(r, 80));
  await workstation.page.mouse.wheel(0, -500);
  await settle(workstation.page);
  await workstation.page.screenshot({ path: screenshotPath('csp-1-workstation-detail') });
  all.push(...workstation.violations);

  // The Civil Protection agent's department view, with the dispatched occurrence.
  const department = await watchedPage('department');
  await department.page.goto(e2e.stack.baseUrl);
  await login(department.page, 'cp_agent');
  await department.page.locator(`[data-testid=assignment-card][data-reference="${occurrence.reference}"]`).waitFor({ timeout: 5000 });
  await settle(department.page);
  all.push(...department.violations);

  // The videowall.
  const videowall = await watchedPage('videowall', { width: 1920, height: 1080 });
  await videowall.page.goto(e2e.stack.baseUrl);
  await login(videowall.page, 'videowall');
  await videowall.page.waitForSelector('img.leaflet-tile-loaded', { timeout: 10_000 });
  await settle(videowall.page);
  await videowall.page.screenshot({ path: screenshotPath('csp-2-videowall') });
  all.push(...videowall.violations);

  // The citizen's status page, from an Open311 report, and its comment form (posted to self).
  const { key } = await e2e.stack.api<{ key: string }>('admin', 'POST', '/admin/api-keys', { clientName: 'Gabinete', scopes: ['occurrences:create'] });
  const posted = await fetch(`${e2e.stack.baseUrl}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: key, service_code: 'FALLEN_TREE', lat: '41.1496', long: '-8.6063', description: 'Árvore caída' }),
  });
  assert.equal(posted.status, 201, await posted.clone().text());
  const [request] = (await posted.json()) as Array<{ status_url: string }>;
  const statusUrl = new URL(request.status_url);
  const citizen = await watchedPage('status page', { width: 420, height: 860 });
  await citizen.page.goto(`${e2e.stack.baseUrl}${statusUrl.pathname}${statusUrl.search}`);
  // Its stylesheet applied (from self): the body is centred in 40rem.
  assert.equal(await citizen.page.evaluate(() => getComputedStyle(document.body).maxWidth), '640px');
  await citizen.page.fill('#text', 'Continua no mesmo sítio.');
  await citizen.page.click('button[type=submit]');
  await citizen.page.waitForSelector('.ok');
  await settle(citizen.page);
  all.push(...citizen.violations);

  assert.ok(tilesServed > 0, 'the tile host served the base map');
  assert.deepEqual(all, []);
});
