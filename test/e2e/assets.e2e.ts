/**
 * Assets (issue 15) in real browsers against the real stack: assets imported through the ADMIN
 * endpoint (GeoJSON) are drawn on the operator map and the videowall in per-layer clusters, layers
 * toggle; an occurrence's detail lists the cameras and assets near it (cameras first, with the
 * snapshot link); a traffic light reported FAULT turns red live on every console (`assets:status`)
 * and opens its TRAFFIC_LIGHT_FAULT occurrence, which the asset's detail lists as open, then as past
 * once cancelled; the Mobility agent's phone lists the cameras near the fault.
 * Screenshots (1920×1080 videowall, 1400×900 operator, 390×844 phone) go to var/screenshots/.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { AssetDetail, AssetImportResult, AssetView, OccurrenceDetail, OccurrenceView, Page as ApiPage } from '@cgi/shared';
import { screenshotsOf } from './support/browser';
import { useE2eSession } from './support/session';

const e2e = useE2eSession();

const shot = screenshotsOf('assets');

/** Praça da Liberdade: the occurrence, and the assets around it. */
const SCENE = { lat: 41.1466, lon: -8.6113, address: 'Praça da Liberdade 20' };
/** About `m` metres from the scene towards the bearing (north = 0°). */
function near(m: number, bearingDeg: number): [number, number] {
  const b = (bearingDeg * Math.PI) / 180;
  return [SCENE.lon + (Math.sin(b) * m) / (111_320 * Math.cos((SCENE.lat * Math.PI) / 180)), SCENE.lat + (Math.cos(b) * m) / 110_540];
}

type Feature = { type: 'Feature'; geometry: { type: 'Point'; coordinates: [number, number] }; properties: Record<string, unknown> };
const feature = (coordinates: [number, number], properties: Record<string, unknown>): Feature => ({ type: 'Feature', geometry: { type: 'Point', coordinates }, properties: { synthetic: true, ...properties } });

/** Near the scene: a traffic light at 40 m, a camera at 120 m, a bollard at 90 m, a camera at 260 m, a flood sensor at 200 m; one camera 2.5 km off (not listed). */
const NEAR: Feature[] = [
  feature(near(40, 80), { code: 'SEM-LIBERDADE-01', kind: 'TRAFFIC_LIGHT', name: 'Semáforo Praça da Liberdade / Rua do Almada', department: 'MOBILITY', address: 'Praça da Liberdade 1' }),
  feature(near(120, 200), { code: 'CAM-ALIADOS-01', kind: 'CAMERA', name: 'Câmara Avenida dos Aliados (sul)', department: 'MOBILITY', address: 'Avenida dos Aliados 10', snapshotUrl: 'https://cameras.example.org/aliados-01.jpg', directionDeg: 350 }),
  feature(near(90, 300), { code: 'PIL-CLERIGOS-01', kind: 'BOLLARD', name: 'Pilarete Rua dos Clérigos', department: 'MOBILITY' }),
  feature(near(260, 10), { code: 'CAM-ALIADOS-02', kind: 'CAMERA', name: 'Câmara Avenida dos Aliados (norte)', department: 'MOBILITY', snapshotUrl: 'https://cameras.example.org/aliados-02.jpg', streamUrl: 'rtsp://cameras.example.org/aliados-02' }),
  feature(near(200, 140), { code: 'SNS-INUND-01', kind: 'FLOOD_SENSOR', name: 'Sensor de inundação São Bento', department: 'CIVIL_PROTECTION' }),
  feature(near(2500, 270), { code: 'CAM-BOAVISTA-01', kind: 'CAMERA', name: 'Câmara Rotunda da Boavista', department: 'MOBILITY', snapshotUrl: 'https://cameras.example.org/boavista-01.jpg' }),
];

/** A spread over the city (deterministic): clusters at the city's zoom. */
function spread(): Feature[] {
  const kinds = [
    ['CAMERA', 'CAM', 'Câmara'],
    ['TRAFFIC_LIGHT', 'SEM', 'Semáforo'],
    ['TRAFFIC_LIGHT', 'SEM', 'Semáforo'],
    ['BOLLARD', 'PIL', 'Pilarete'],
    ['AIR_QUALITY_SENSOR', 'SNS', 'Sensor de qualidade do ar'],
  ] as const;
  let seed = 11;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: 60 }, (_, i) => {
    const [kind, prefix, name] = kinds[i % kinds.length];
    return feature([-8.675 + rnd() * 0.11, 41.145 + rnd() * 0.03], {
      code: `${prefix}-CIDADE-${String(i).padStart(2, '0')}`,
      kind,
      name: `${name} ${i}`,
      department: kind === 'AIR_QUALITY_SENSOR' ? 'ENVIRONMENT' : 'MOBILITY',
      ...(kind === 'CAMERA' ? { snapshotUrl: `https://cameras.example.org/cidade-${i}.jpg` } : {}),
    });
  });
}

type AssetMap = {
  drawnAsset: (id: string) => { status: string; clustered: boolean; count?: number } | null;
  drawnCount: () => Record<string, number>;
};
const drawn = (page: Page, id: string): Promise<{ status: string; clustered: boolean } | null> =>
  page.evaluate((assetId) => (window as unknown as { __cgiMap: { assets: AssetMap } }).__cgiMap.assets.drawnAsset(assetId), id);
/** Waits until the asset is drawn (alone or in a cluster) in this status. */
const drawnAs = (page: Page, id: string, status: string): Promise<unknown> =>
  page.waitForFunction(
    ({ assetId, s }) => (window as unknown as { __cgiMap?: { assets: AssetMap | null } }).__cgiMap?.assets?.drawnAsset(assetId)?.status === s,
    { assetId: id, s: status },
    { timeout: 10_000 },
  );
const assetsLoaded = (page: Page, n: number): Promise<unknown> =>
  page.waitForFunction((count) => (window as unknown as { __cgiLive?: { assets: { size: number } } }).__cgiLive?.assets.size === count, n, { timeout: 10_000 });

test('assets on the map, nearby an occurrence, a fault live on every console and its occurrence in the asset detail', async () => {
  const { stack } = e2e;
  const features = [...NEAR, ...spread()];
  const imported = await stack.api<AssetImportResult>('admin', 'POST', '/assets/import', { type: 'FeatureCollection', features });
  assert.equal(imported.created, features.length);
  const all = (await stack.api<ApiPage<AssetView>>('operator', 'GET', '/assets')).items;
  const byCode = new Map(all.map((a) => [a.code, a]));
  const light = byCode.get('SEM-LIBERDADE-01');
  const cam = byCode.get('CAM-ALIADOS-01');
  assert.ok(light && cam);

  let occ = await stack.api<OccurrenceDetail>('operator', 'POST', '/occurrences', {
    category: 'FALLEN_TREE',
    description: 'Árvore caída sobre a faixa de rodagem, trânsito cortado',
    location: SCENE,
    flags: { injuries: false, hazardousMaterials: false, blocksTraffic: true, peopleAtRisk: 0 },
  });
  if (occ.status === 'NEW') occ = await stack.api<OccurrenceDetail>('operator', 'POST', `/occurrences/${occ.id}/triage`, { version: occ.version });

  const videowall = await e2e.openConsole('videowall', { width: 1920, height: 1080 });
  const operator = await e2e.openConsole('operator', { width: 1400, height: 900 });
  const phone = await e2e.openConsole('mobility_agent', { width: 390, height: 844 });
  try {
    await journey();
  } catch (err) {
    for (const [name, page] of [['operator', operator], ['phone', phone], ['videowall', videowall]] as const) await page.screenshot({ path: shot(`failed-${name}`) }).catch(() => undefined);
    throw err;
  }

  async function journey(): Promise<void> {
    assert.ok(light && cam);
    await assetsLoaded(operator, all.length);
    await assetsLoaded(videowall, all.length);
    // Every asset in view is drawn, alone or counted in its layer's cluster.
    const counts = await operator.evaluate(() => (window as unknown as { __cgiMap: { assets: AssetMap } }).__cgiMap.assets.drawnCount());
    assert.equal(counts.CAMERA + counts.TRAFFIC_LIGHT + counts.BOLLARD + counts.SENSOR, all.length, 'every asset drawn, alone or in a cluster');

    // The occurrence's detail: the assets within 300 m, the cameras first (nearest first) with their snapshot links.
    await operator.getByRole('tab', { name: /Ocorrências/ }).click();
    await operator.click(`[data-testid=occurrence-list] [data-reference="${occ.reference}"]`);
    const nearby = operator.getByTestId('nearby-assets');
    await nearby.locator('li').first().waitFor({ timeout: 10_000 });
    const order = await nearby.locator('li[data-asset]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-asset')));
    assert.deepEqual(order, ['CAM-ALIADOS-01', 'CAM-ALIADOS-02', 'SEM-LIBERDADE-01', 'PIL-CLERIGOS-01', 'SNS-INUND-01']);
    assert.equal(await nearby.locator('li[data-asset="CAM-ALIADOS-01"] a[data-testid=camera-snapshot]').getAttribute('href'), 'https://cameras.example.org/aliados-01.jpg');
    assert.match((await nearby.locator('li[data-asset="CAM-ALIADOS-01"]').textContent()) ?? '', /Operacional.*1[12]0 m/);
    await nearby.scrollIntoViewIfNeeded();
    await operator.screenshot({ path: shot('01-operator-nearby-assets') });

    // Layers toggle: cameras off, then on again.
    const toggles = operator.getByTestId('asset-toggles');
    await toggles.locator('input[data-layer=CAMERA]').uncheck();
    await operator.waitForFunction(() => (window as unknown as { __cgiMap: { assets: AssetMap } }).__cgiMap.assets.drawnCount().CAMERA === 0);
    assert.equal(await drawn(operator, cam.id), null);
    await toggles.locator('input[data-layer=CAMERA]').check();
    await drawnAs(operator, cam.id, 'OK');

    // The traffic light reports a fault: red on the operator's map and the videowall, live; its occurrence opens.
    const faulted = await stack.api<AssetView>('operator', 'POST', `/assets/${light.id}/status`, { status: 'FAULT', reason: 'Lâmpada vermelha fundida' });
    assert.equal(faulted.status, 'FAULT');
    await drawnAs(operator, light.id, 'FAULT');
    await drawnAs(videowall, light.id, 'FAULT');
    await operator.waitForFunction(() => document.querySelector('[data-testid=nearby-assets] li[data-asset="SEM-LIBERDADE-01"] [data-status]')?.getAttribute('data-status') === 'FAULT', undefined, { timeout: 10_000 });
    const detailOfLight = await stack.api<AssetDetail>('operator', 'GET', `/assets/${light.id}`);
    const fault = detailOfLight.openOccurrence;
    assert.ok(fault, 'the fault opened an occurrence');
    const faultOcc = await stack.api<OccurrenceView>('operator', 'GET', `/occurrences/${fault.id}`);
    assert.equal(faultOcc.category, 'TRAFFIC_LIGHT_FAULT');
    await operator.waitForFunction((id) => (window as unknown as { __cgiLive: { store: { get: (i: string) => unknown } } }).__cgiLive.store.get(id) !== undefined, fault.id, { timeout: 10_000 });

    // The traffic light's detail from the nearby list: its status, the open fault occurrence, its history.
    await operator.getByTestId('nearby-assets').getByRole('button', { name: 'Semáforo Praça da Liberdade / Rua do Almada' }).click();
    const detail = operator.getByTestId('asset-detail');
    await detail.waitFor();
    assert.equal(await detail.getAttribute('data-asset'), 'SEM-LIBERDADE-01');
    await detail.locator(`[data-testid=asset-open-occurrences] [data-reference="${fault.reference}"]`).waitFor();
    assert.match((await detail.getByTestId('asset-status').textContent()) ?? '', /Lâmpada vermelha fundida/);
    assert.match((await detail.getByTestId('asset-history').textContent()) ?? '', /Avaria · Operador/);
    await operator.screenshot({ path: shot('02-operator-asset-detail-fault') });

    // The videowall: the fault in red among the clusters, the legend and the toggles.
    await videowall.getByTestId('asset-legend').waitFor();
    await videowall.screenshot({ path: shot('03-videowall-asset-fault') });

    // The Mobility agent's phone: the fault is Mobility's; the cameras near it, snapshot link first.
    const card = phone.locator(`[data-testid=assignment-card][data-reference="${fault.reference}"]`);
    if (faultOcc.status === 'NEW' || faultOcc.status === 'TRIAGED') {
      let f = await stack.api<OccurrenceDetail>('operator', 'GET', `/occurrences/${fault.id}`);
      if (f.status === 'NEW') f = await stack.api<OccurrenceDetail>('operator', 'POST', `/occurrences/${fault.id}/triage`, { version: f.version });
      await stack.api<OccurrenceDetail>('operator', 'POST', `/occurrences/${fault.id}/dispatch`, { version: f.version });
    }
    await card.waitFor({ timeout: 10_000 });
    await card.getByTestId('card-assets').locator('summary').click();
    const phoneNearby = card.getByTestId('nearby-assets');
    await phoneNearby.locator('li[data-asset]').first().waitFor({ timeout: 10_000 });
    assert.equal(await phoneNearby.locator('li[data-asset]').first().getAttribute('data-kind'), 'CAMERA');
    assert.ok((await phoneNearby.locator('a[data-testid=camera-snapshot]').count()) >= 1);
    await card.getByTestId('card-assets').scrollIntoViewIfNeeded();
    await phone.screenshot({ path: shot('04-phone-nearby-cameras') });

    // Cancelled, the fault occurrence moves to the asset's past occurrences; back to OK, the light is green again.
    const f = await stack.api<OccurrenceDetail>('operator', 'GET', `/occurrences/${fault.id}`);
    await stack.api('operator', 'POST', `/occurrences/${fault.id}/cancel`, { version: f.version, reason: 'Reparado pela equipa de semaforização' });
    await stack.api<AssetView>('operator', 'POST', `/assets/${light.id}/status`, { status: 'OK', reason: 'Lâmpada substituída' });
    await drawnAs(operator, light.id, 'OK');
    await drawnAs(videowall, light.id, 'OK');
    await detail.locator(`[data-testid=asset-past-occurrences] [data-reference="${fault.reference}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await detail.locator('[data-testid=asset-open-occurrences] li').count(), 0);
    assert.match((await detail.getByTestId('asset-status').textContent()) ?? '', /Lâmpada substituída/);

    // English.
    await operator.selectOption('select[aria-label="Idioma"]', 'en');
    await operator.getByText('Past occurrences').waitFor();
    await operator.getByText('Assets on the map').waitFor();
    await operator.screenshot({ path: shot('05-operator-asset-detail-en') });
    await videowall.selectOption('select[aria-label="Idioma"]', 'en');
    await videowall.getByText('Traffic lights').first().waitFor();
    await videowall.screenshot({ path: shot('06-videowall-en') });
  }
});
