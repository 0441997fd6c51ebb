/**
 * Units (issue 14) in real browsers against the real stack: the operator opens a building fire,
 * sees the nearest available units proposed with distance and ETA, assigns the nearest; AVL
 * positions posted over HTTP move it towards the fire on the map; the geofence proposes ON_SCENE and
 * the Fire agent confirms it on a phone. The videowall counts units by status, with no crew.
 * Screenshots (1920×1080 videowall, 1400×900 operator, 390×844 phone) go to var/screenshots/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { OccurrenceDetail, PositionBatchResult, UnitDetail, UnitView } from '@cgi/shared';
import { screenshotsOf } from './support/browser';
import { useE2eSession } from './support/session';
import { ROOT } from './support/stack';

const e2e = useE2eSession();

const shot = screenshotsOf('units');

/** The fire: Rua de Santa Catarina. */
const FIRE = { lat: 41.1496, lon: -8.6063, address: 'Rua de Santa Catarina 312' };

interface FleetItem {
  code: string;
  callsign: string;
  department: string;
  kind: string;
  base: { lat: number; lon: number; address: string };
  crew?: string[];
  /** No position at all (shows as stale). */
  silent?: boolean;
}

/** A small fleet around the city: VUCI 01 is the nearest engine to the fire (~1.3 km). */
const FLEET: FleetItem[] = [
  { code: 'BSB-VUCI-01', callsign: 'VUCI 01', department: 'FIRE', kind: 'ENGINE', base: { lat: 41.1582, lon: -8.6131, address: 'Rua de Gonçalo Cristóvão 120' }, crew: ['Bombeiro Exemplo Um', 'Bombeira Exemplo Dois'] },
  { code: 'BSB-VUCI-02', callsign: 'VUCI 02', department: 'FIRE', kind: 'ENGINE', base: { lat: 41.1698, lon: -8.6412, address: 'Rua de Damião de Góis 250' } },
  { code: 'BSB-VE-03', callsign: 'VE 03', department: 'FIRE', kind: 'LADDER', base: { lat: 41.1612, lon: -8.5902, address: 'Rua de Costa Cabral 400' } },
  { code: 'BSB-VSAT-04', callsign: 'VSAT 04', department: 'FIRE', kind: 'RESCUE', base: { lat: 41.1405, lon: -8.6322, address: 'Rua de Miragaia 100' } },
  { code: 'BSB-VTTU-05', callsign: 'VTTU 05', department: 'FIRE', kind: 'TANKER', base: { lat: 41.1731, lon: -8.6789, address: 'Avenida da Boavista 3000' }, silent: true },
  { code: 'PM-12', callsign: 'PM 12', department: 'POLICE', kind: 'PATROL_CAR', base: { lat: 41.16, lon: -8.63, address: 'Rua de Cedofeita 500' } },
  { code: 'PM-14', callsign: 'PM 14', department: 'POLICE', kind: 'MOTORBIKE', base: { lat: 41.1632, lon: -8.6510, address: 'Rua de Oliveira Monteiro 500' } },
  { code: 'PC-03', callsign: 'PC 03', department: 'CIVIL_PROTECTION', kind: 'CP_TEAM', base: { lat: 41.1545, lon: -8.5760, address: 'Rua do Heroísmo 300' } },
  { code: 'MOB-05', callsign: 'MOB 05', department: 'MOBILITY', kind: 'SIGNAL_TRUCK', base: { lat: 41.1768, lon: -8.6080, address: 'Rua de Monsanto 200' } },
  { code: 'AMB-07', callsign: 'AMB 07', department: 'ENVIRONMENT', kind: 'SWEEPER', base: { lat: 41.1430, lon: -8.5950, address: 'Rua de Cirne 80' } },
];

const markerDrawn = (page: Page, id: string): Promise<unknown> =>
  page.waitForFunction((occId) => (window as unknown as { __cgiMap?: { layer: { isDrawn: (i: string) => boolean } } }).__cgiMap?.layer.isDrawn(occId) === true, id, { timeout: 5000 });

/** Waits until the unit's plate is drawn at (about) this position. */
const unitDrawnAt = (page: Page, unitId: string, at: { lat: number; lon: number }): Promise<unknown> =>
  page.waitForFunction(
    ({ id, lat, lon }) => {
      const d = (window as unknown as { __cgiMap?: { units: { drawnAt: (i: string) => { lat: number; lon: number } | null } | null } }).__cgiMap?.units?.drawnAt(id);
      return !!d && Math.abs(d.lat - lat) < 1e-6 && Math.abs(d.lon - lon) < 1e-6;
    },
    { id: unitId, lat: at.lat, lon: at.lon },
    { timeout: 10_000 },
  );

const drawnXY = (page: Page, unitId: string): Promise<{ x: number; y: number } | null> =>
  page.evaluate((id) => (window as unknown as { __cgiMap?: { units: { drawnAt: (i: string) => { x: number; y: number } | null } | null } }).__cgiMap?.units?.drawnAt(id) ?? null, unitId);

test('the nearest engine is proposed, assigned, driven to the fire on the map and confirmed on scene from a phone', async () => {
  const { stack } = e2e;
  const units: UnitView[] = [];
  for (const f of FLEET) {
    units.push(await stack.api<UnitView>('admin', 'POST', '/units', { code: f.code, callsign: f.callsign, department: f.department, kind: f.kind, homeBase: f.base, ...(f.crew ? { crew: f.crew } : {}) }));
  }
  const now = new Date().toISOString();
  const batch = await stack.api<PositionBatchResult>('admin', 'POST', '/units/positions', {
    positions: FLEET.filter((f) => !f.silent).map((f, i) => ({ unit: f.code, lat: f.base.lat, lon: f.base.lon, at: now, speedKmh: 0, headingDeg: (i * 40) % 360 })),
  });
  assert.equal(batch.accepted, FLEET.filter((f) => !f.silent).length);
  const pm14 = units.find((u) => u.code === 'PM-14');
  assert.ok(pm14);
  await stack.api('admin', 'POST', `/units/${pm14.id}/availability`, { version: pm14.version, available: false, reason: 'Manutenção' });

  const created = await stack.api<OccurrenceDetail>('operator', 'POST', '/occurrences', {
    category: 'FIRE_BUILDING',
    description: 'Fumo a sair de um 2.º andar, moradores na rua',
    location: FIRE,
    flags: { injuries: false, hazardousMaterials: false, blocksTraffic: true, peopleAtRisk: 2 },
  });
  let fire = created;
  if (fire.status === 'NEW') fire = await stack.api<OccurrenceDetail>('operator', 'POST', `/occurrences/${fire.id}/triage`, { version: fire.version });
  if (fire.status === 'TRIAGED') fire = await stack.api<OccurrenceDetail>('operator', 'POST', `/occurrences/${fire.id}/dispatch`, { version: fire.version });
  assert.equal(fire.status, 'DISPATCHED');
  assert.equal(fire.lead, 'FIRE');

  const wallFrames: string[] = [];
  const videowall = await e2e.openConsole('videowall', { width: 1920, height: 1080 }, (p) => p.on('websocket', (ws) => ws.on('framereceived', (f) => wallFrames.push(String(f.payload)))));
  const operator = await e2e.openConsole('operator', { width: 1400, height: 900 });
  const phoneFrames: string[] = [];
  const phone = await e2e.openConsole('fire_agent', { width: 390, height: 844 }, (p) => p.on('websocket', (ws) => ws.on('framereceived', (f) => phoneFrames.push(String(f.payload)))));

  try {
    await journey();
  } catch (err) {
    for (const [name, page] of [['operator', operator], ['phone', phone], ['videowall', videowall]] as const) await page.screenshot({ path: shot(`failed-${name}`) }).catch(() => undefined);
    throw err;
  }

  async function journey(): Promise<void> {
    // The operator opens the fire: the three nearest available Fire/… units, nearest first, with distance and ETA.
    await operator.getByRole('tab', { name: /Ocorrências/ }).click();
    await operator.click(`[data-testid=occurrence-list] [data-reference="${fire.reference}"]`);
    await operator.waitForSelector('[data-testid=occurrence-detail]');
    const proposals = operator.locator('[data-testid=unit-proposals] > li');
    await proposals.first().waitFor({ timeout: 5000 });
    await operator.waitForFunction(() => document.querySelectorAll('[data-testid=unit-proposals] > li').length === 3);
    const first = proposals.first();
    assert.equal(await first.getAttribute('data-unit'), 'BSB-VUCI-01');
    assert.match((await first.textContent()) ?? '', /1,\d km.*chegada em \d+ min/);
    assert.equal(await operator.locator('[data-testid=unit-proposals] [data-unit="BSB-VTTU-05"]').count(), 0, 'a unit with no position is ranked by its base, and farther');
    await markerDrawn(operator, fire.id);
    const vuci = units.find((u) => u.code === 'BSB-VUCI-01');
    assert.ok(vuci);
    await unitDrawnAt(operator, vuci.id, FLEET[0].base);
    await operator.locator('[data-testid=occurrence-detail]').evaluate((el) => (el.scrollTop = 0));
    await operator.screenshot({ path: shot('01-operator-proposals') });

    // The kind filter asks the API for ladders only.
    await operator.selectOption('[data-testid=proposal-kind]', 'LADDER');
    await operator.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid=unit-proposals] > li')).map((li) => li.getAttribute('data-unit')).join() === 'BSB-VE-03');
    await operator.selectOption('[data-testid=proposal-kind]', '');
    await operator.waitForFunction(() => document.querySelector('[data-testid=unit-proposals] > li')?.getAttribute('data-unit') === 'BSB-VUCI-01');

    // Assign the nearest.
    await operator.locator('[data-testid=unit-proposals] > li').first().getByRole('button', { name: 'Atribuir' }).click();
    const assigned = operator.locator('[data-testid=assigned-units] [data-unit="BSB-VUCI-01"]');
    await assigned.waitFor({ timeout: 5000 });
    await operator.waitForFunction(() => document.querySelector('[data-testid=assigned-units] [data-unit="BSB-VUCI-01"] [data-status]')?.getAttribute('data-status') === 'DISPATCHED');
    assert.match((await assigned.textContent()) ?? '', /A caminho.*chegada em/);
    // The proposals move on to the next nearest.
    await operator.waitForFunction(() => document.querySelector('[data-testid=unit-proposals] > li')?.getAttribute('data-unit') !== 'BSB-VUCI-01');

    // AVL: the engine drives towards the fire (HTTP batches, a fix every ~1.2 s); the marker follows.
    const steps = 5;
    const start = FLEET[0].base;
    let before = await drawnXY(operator, vuci.id);
    for (let i = 1; i <= steps; i++) {
      const f = i / steps;
      // The last fix is ~20 m short of the fire: inside the 100 m geofence.
      const k = i === steps ? 0.985 : f * 0.9;
      const at = { lat: start.lat + (FIRE.lat - start.lat) * k, lon: start.lon + (FIRE.lon - start.lon) * k };
      await new Promise((r) => setTimeout(r, 1200));
      const r = await stack.api<PositionBatchResult>('admin', 'POST', '/units/positions', { positions: [{ unit: 'BSB-VUCI-01', ...at, at: new Date().toISOString(), speedKmh: 42, headingDeg: 145 }] });
      assert.equal(r.accepted, 1);
      await unitDrawnAt(operator, vuci.id, at);
      const now2 = await drawnXY(operator, vuci.id);
      assert.ok(now2 && before && (now2.x !== before.x || now2.y !== before.y), `the marker moved at step ${i}`);
      before = now2;
      if (i === 2) await operator.screenshot({ path: shot('02-operator-en-route') });
    }

    // The geofence proposes ON_SCENE: the operator sees it, the Fire agent confirms it on the phone.
    await operator.locator('[data-testid=assigned-units] [data-unit="BSB-VUCI-01"] [data-testid=on-scene-proposed]').waitFor({ timeout: 10_000 });
    await operator.screenshot({ path: shot('03-operator-on-scene-proposed') });
    const card = phone.locator(`[data-testid=assignment-card][data-reference="${fire.reference}"]`);
    await card.waitFor({ timeout: 5000 });
    const confirm = card.locator('[data-unit="BSB-VUCI-01"]').getByRole('button', { name: 'Confirmar no local' });
    await confirm.waitFor({ timeout: 10_000 });
    await card.locator('[data-testid=on-scene-proposed]').waitFor();
    await card.scrollIntoViewIfNeeded();
    await phone.screenshot({ path: shot('04-phone-confirm-on-scene') });
    await videowall.waitForFunction(() => document.querySelector('[data-testid=units-dep-FIRE] [data-status=DISPATCHED]')?.textContent === '1', undefined, { timeout: 5000 });
    await unitDrawnAt(videowall, vuci.id, { lat: start.lat + (FIRE.lat - start.lat) * 0.985, lon: start.lon + (FIRE.lon - start.lon) * 0.985 });
    await videowall.screenshot({ path: shot('05-videowall-en-route') });

    await confirm.click();
    await card.locator('[data-unit="BSB-VUCI-01"] [data-status="ON_SCENE"]').waitFor({ timeout: 5000 });
    await phone.screenshot({ path: shot('06-phone-on-scene') });
    const after = await stack.api<OccurrenceDetail>('operator', 'GET', `/occurrences/${fire.id}`);
    const a = after.units.find((x) => x.code === 'BSB-VUCI-01');
    assert.ok(a?.onSceneAt, 'the assignment is on scene');
    assert.equal(a.onSceneAt, a.onSceneProposedAt, "the on-scene time is the geofence's");
    assert.equal(after.assignments.find((x) => x.department === 'FIRE')?.state, 'ON_SCENE', 'Fire went on scene with its unit');
    await operator.waitForFunction(() => document.querySelector('[data-testid=assigned-units] [data-unit="BSB-VUCI-01"] [data-status]')?.getAttribute('data-status') === 'ON_SCENE', undefined, { timeout: 5000 });
    await videowall.waitForFunction(() => document.querySelector('[data-testid=units-dep-FIRE] [data-status=ON_SCENE]')?.textContent === '1', undefined, { timeout: 5000 });
    await videowall.screenshot({ path: shot('07-videowall-on-scene') });

    // The unit's detail: current occurrence, crew (the CGI may read it), and its trail on the map.
    await assigned.getByRole('button', { name: 'VUCI 01' }).click();
    const detail = operator.locator('[data-testid=unit-detail]');
    await detail.waitFor();
    assert.match((await detail.textContent()) ?? '', new RegExp(fire.reference));
    assert.match((await detail.locator('[data-testid=unit-crew]').textContent()) ?? '', /Bombeiro Exemplo Um/);
    await detail.getByTestId('unit-trail-toggle').click();
    await detail.getByTestId('unit-trail-info').waitFor();
    assert.match((await detail.getByTestId('unit-trail-info').textContent()) ?? '', /6 posições/);
    await operator.waitForSelector('path.unit-trail');
    await operator.screenshot({ path: shot('08-operator-unit-trail') });
    // Closing the unit's detail takes its trail off the map and shows the occurrence again.
    await detail.getByRole('button', { name: 'Voltar' }).click();
    await operator.waitForSelector('path.unit-trail', { state: 'detached' });
    await operator.waitForSelector('[data-testid=occurrence-detail]');
    await operator.evaluate(() => (window as unknown as { __cgiMap: { map: { setZoom: (z: number) => void } } }).__cgiMap.map.setZoom(13));

    // The units panel: filter by department and status.
    await operator.getByRole('tab', { name: 'Meios' }).click();
    await operator.selectOption('[data-testid=units-filter-department]', 'FIRE');
    await operator.waitForFunction(() => document.querySelectorAll('[data-testid=units-list] > li').length === 5);
    await operator.selectOption('[data-testid=units-filter-status]', 'ON_SCENE');
    await operator.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid=units-list] [data-unit]')).map((b) => b.getAttribute('data-unit')).join() === 'BSB-VUCI-01');
    await operator.selectOption('[data-testid=units-filter-status]', '');
    await operator.selectOption('[data-testid=units-filter-department]', '');
    await operator.screenshot({ path: shot('09-operator-units-panel') });

    // A console that was offline reads the fleet again on reconnecting: positions are not replayed.
    const ve = units.find((u) => u.code === 'BSB-VE-03');
    assert.ok(ve);
    await operator.context().setOffline(true);
    await operator.waitForSelector('[data-testid=feed-banner]', { timeout: 15_000 });
    const moved = { lat: 41.1571, lon: -8.5968 };
    await stack.api('admin', 'POST', '/units/positions', { positions: [{ unit: 'BSB-VE-03', ...moved, at: new Date().toISOString(), speedKmh: 20, headingDeg: 250 }] });
    await operator.context().setOffline(false);
    await operator.waitForSelector('[data-testid=feed-banner]', { state: 'detached', timeout: 15_000 });
    await operator.waitForFunction(
      ({ id, lat }) => (window as unknown as { __cgiLive: { units: { get: (i: string) => { position: { lat: number } | null } | undefined } } }).__cgiLive.units.get(id)?.position?.lat === lat,
      { id: ve.id, lat: moved.lat },
      { timeout: 10_000 },
    );
    assert.equal(await operator.evaluate(() => performance.getEntriesByType('navigation').length), 1);

    // English.
    await operator.selectOption('select[aria-label="Idioma"]', 'en');
    await operator.getByRole('tab', { name: 'Units' }).waitFor();
    await operator.getByText('Nearest available units').waitFor();
    await operator.locator('[data-testid=unit-proposals] > li').first().waitFor();
    await operator.screenshot({ path: shot('10-operator-units-panel-en') });
    // The toasts shown in Portuguese have gone (they keep the language they were raised in).
    await phone.waitForSelector('.toast', { state: 'detached', timeout: 10_000 });
    await phone.selectOption('select[aria-label="Idioma"]', 'en');
    await phone.locator('[data-testid=department-units] summary').click();
    await phone.screenshot({ path: shot('11-phone-units-en'), fullPage: true });
    await videowall.selectOption('select[aria-label="Idioma"]', 'en');
    await videowall.getByText('Units by status').waitFor();
    await videowall.screenshot({ path: shot('12-videowall-en') });

    // No crew on the videowall: not on screen, not in a single frame of its feed; the phone saw only Fire's units.
    const wallText = (await videowall.textContent('body')) ?? '';
    assert.ok(!wallText.includes('Exemplo'));
    assert.ok(!wallFrames.some((f) => f.includes('Exemplo')));
    const fleetSeen = await phone.evaluate(() => (window as unknown as { __cgiLive: { units: { list: () => Array<{ department: string }> } } }).__cgiLive.units.list().map((u) => u.department));
    assert.deepEqual([...new Set(fleetSeen)], ['FIRE']);
    assert.ok(!phoneFrames.some((f) => f.includes('PM-12')), 'no Police unit on the Fire agent feed');
    const d = await stack.api<UnitDetail>('operator', 'GET', `/units/${vuci.id}`);
    assert.equal(d.status, 'ON_SCENE');
  }
});

test('the videowall with the demo fleet: every unit accounted for on the map, units at one base stacked, counts by status', async () => {
  const { stack } = e2e;
  // The demo seed's fleet (60 synthetic units at real address points; codes the first test used are kept as they are).
  const { seedDemoFleet } = require(join(ROOT, 'apps/api/dist/demo/demo-fleet.js')) as { seedDemoFleet: (ds: { query: (sql: string, params?: unknown[]) => Promise<unknown[]> }, addresses: unknown[]) => Promise<number> };
  const { loadAddresses } = require(join(ROOT, 'apps/api/dist/demo/demo-data.js')) as { loadAddresses: () => unknown[] };
  const added = await seedDemoFleet({ query: async (sql, params) => (await stack.db.query(sql, params)).rows }, loadAddresses());
  assert.ok(added >= 50, `demo units added: ${added}`);
  const fleet = await stack.api<UnitView[]>('admin', 'GET', '/units');
  // Most report a position near their base (patrolling), a few are out on the city, some never reported (at base, greyed).
  const now = new Date().toISOString();
  const positions = fleet
    .filter((u) => !u.position)
    .filter((_, i) => i % 5 !== 4)
    .map((u, i) => {
      const far = i % 3 === 0;
      const a = (i * 137) % 360;
      const d = far ? 0.01 + (i % 4) * 0.004 : 0.0004;
      return { unit: u.code, lat: u.homeBase.lat + Math.sin((a * Math.PI) / 180) * d, lon: u.homeBase.lon + Math.cos((a * Math.PI) / 180) * d * 1.3, at: now, speedKmh: far ? 35 : 0, headingDeg: far ? a : null };
    });
  await stack.api('admin', 'POST', '/units/positions', { positions });
  const wall = await e2e.openConsole('videowall', { width: 1920, height: 1080 });
  await wall.waitForFunction((n) => (window as unknown as { __cgiLive: { units: { size: number } } }).__cgiLive.units.size === n, fleet.length);
  await wall.waitForFunction(() => document.querySelector('[data-testid=units-dep-POLICE] [data-status=AVAILABLE]')?.textContent !== '');
  await wall.screenshot({ path: shot('13-videowall-demo-fleet') });
  // Every unit in view is either a plate or counted in a column's "+N".
  const { drawn, inView } = await wall.evaluate(() => {
    type P = { lat: number; lon: number };
    const w = window as unknown as {
      __cgiMap: { map: { getBounds: () => { pad: (n: number) => { contains: (p: [number, number]) => boolean } } }; units: { drawnCount: () => { plates: number; more: number } } };
      __cgiLive: { units: { list: () => Array<{ position: P | null; homeBase: P }> } };
    };
    const b = w.__cgiMap.map.getBounds().pad(0.1);
    return { drawn: w.__cgiMap.units.drawnCount(), inView: w.__cgiLive.units.list().filter((u) => b.contains([(u.position ?? u.homeBase).lat, (u.position ?? u.homeBase).lon])).length };
  });
  assert.ok(inView >= fleet.length - 5, `most of the fleet is in view (${inView} of ${fleet.length})`);
  assert.equal(drawn.plates + drawn.more, inView);
  const counts = await wall.evaluate(() => Array.from(document.querySelectorAll('[data-testid=units-by-status] tbody tr')).map((tr) => tr.textContent));
  assert.equal(counts.length, 5);
  const crewSeen = await wall.evaluate(() => document.body.textContent?.includes('fictício'));
  assert.equal(crewSeen, false, 'no crew on the videowall');
});

test("a Fire supervisor on a phone adds a unit to the department's fleet and puts it out of service", async () => {
  const { stack } = e2e;
  const phone = await e2e.openConsole('fire_supervisor', { width: 390, height: 844 });
  await phone.locator('[data-testid=department-units] summary').click();
  await phone.getByRole('button', { name: 'Novo meio…' }).click();
  const form = phone.getByTestId('unit-form');
  await form.getByLabel('Código').fill('BSB-VE-09');
  await form.getByLabel('Indicativo').fill('VE 09');
  await form.getByLabel('Tipo').selectOption('LADDER');
  await form.getByLabel('Latitude da base').fill('41.1622');
  await form.getByLabel('Longitude da base').fill('-8.6005');
  await form.getByLabel('Base', { exact: true }).fill('Rua de Costa Cabral 900');
  await form.getByLabel('Guarnição (um nome por linha)').fill('Bombeiro Fictício A\nBombeira Fictícia B');
  await phone.screenshot({ path: shot('14-phone-new-unit'), fullPage: true });
  await form.getByRole('button', { name: 'Adicionar meio' }).click();
  const row = phone.locator('[data-testid=units-list] [data-unit="BSB-VE-09"]');
  await row.waitFor({ timeout: 5000 });
  await row.click();
  const detail = phone.getByTestId('unit-detail');
  await detail.waitFor();
  assert.equal(await detail.getByTestId('unit-trail-toggle').count(), 0, 'no trail where there is no map');
  await detail.getByRole('button', { name: 'Indisponível…' }).click();
  await detail.getByLabel('Motivo da indisponibilidade').fill('Inspeção anual');
  await detail.getByRole('button', { name: 'Indisponível', exact: true }).click();
  await row.locator('[data-status=UNAVAILABLE]').or(phone.locator('[data-testid=units-list] [data-unit="BSB-VE-09"][data-status=UNAVAILABLE]')).first().waitFor({ timeout: 5000 });
  await detail.scrollIntoViewIfNeeded();
  await phone.screenshot({ path: shot('15-phone-unit-unavailable') });
  const units = await stack.api<UnitView[]>('operator', 'GET', '/units?department=FIRE');
  const ve = units.find((u) => u.code === 'BSB-VE-09');
  assert.equal(ve?.status, 'UNAVAILABLE');
  assert.equal(ve?.unavailableReason, 'Inspeção anual');
  assert.deepEqual(ve?.crew, ['Bombeiro Fictício A', 'Bombeira Fictícia B']);
});
