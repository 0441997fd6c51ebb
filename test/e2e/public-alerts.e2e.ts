/**
 * Public alerts (issue 16, journey 9) in real browsers against the real stack: the CGI supervisor
 * drafts an "Aviso público" for Campanhã in Portuguese and English in the console and issues it;
 * the videowall shows it at once (live feed), its CAP XML is valid against the OASIS XSD, and the
 * citizens' public page lists it on a phone. Screenshots (1920×1080 videowall, 1400×900 supervisor,
 * 390×844 phone) go to var/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PublicAlertView } from '@cgi/shared';
import { capSchemaErrors } from '../support/cap-xsd';
import { useE2eSession } from './support/session';
import { ROOT } from './support/stack';

const e2e = useE2eSession();

const SHOTS = join(ROOT, 'var', 'screenshots');
function shot(name: string): string {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, `public-alerts-${name}.png`);
}

const HEADLINE = 'Risco de cheia em Campanhã';

test('a supervisor issues a CAP alert for Campanhã from the console; the videowall shows it and citizens see it', async () => {
  const { stack } = e2e;
  const videowall = await e2e.openConsole('videowall', { width: 1920, height: 1080 });
  const supervisor = await e2e.openConsole('supervisor', { width: 1400, height: 900 });
  try {
    await supervisor.getByRole('tab', { name: 'Avisos' }).click();
    const form = supervisor.getByRole('form', { name: 'Aviso público' });
    await form.getByLabel('Campanhã').check();
    // Bonfim picked on the map: a click inside its CAOP polygon.
    const { rows: [inside] } = await stack.db.query<{ lat: number; lon: number }>(
      `SELECT ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon FROM parishes WHERE code = '131202'`,
    );
    const point = await supervisor.evaluate(
      ([lat, lon]) => (window as unknown as { __cgiMap: { map: { latLngToContainerPoint: (p: [number, number]) => { x: number; y: number } } } }).__cgiMap.map.latLngToContainerPoint([lat, lon]),
      [inside.lat, inside.lon] as [number, number],
    );
    const mapBox = await supervisor.locator('.ws-map .leaflet-container').boundingBox();
    assert.ok(mapBox);
    await supervisor.mouse.click(mapBox.x + point.x, mapBox.y + point.y);
    await supervisor.waitForFunction(() => (document.querySelector('input[type=checkbox][data-parish="131202"]') as HTMLInputElement | null)?.checked === true);
    const pt = form.locator('fieldset', { hasText: 'Português (obrigatório)' });
    await pt.getByLabel('Evento').fill('Cheias');
    await pt.getByLabel('Título').fill(HEADLINE);
    await pt.getByLabel('Descrição').fill('Subida rápida do caudal do Douro e das ribeiras.');
    await pt.getByLabel('Instruções à população').fill('Evite a zona ribeirinha e as passagens inferiores.');
    const en = form.locator('fieldset', { hasText: 'Inglês (opcional)' });
    await en.getByLabel('Evento').fill('Flooding');
    await en.getByLabel('Título').fill('Flood risk in Campanhã');
    await en.getByLabel('Descrição').fill('The Douro and its streams are rising fast.');
    await form.getByLabel('Urgência').selectOption('Immediate');
    await form.getByLabel('Gravidade').selectOption('Severe');
    await form.getByLabel('Certeza').selectOption('Observed');
    await supervisor.screenshot({ path: shot('01-supervisor-draft') });
    await form.getByRole('button', { name: 'Emitir aviso' }).click();

    const listed = supervisor.locator('[data-testid=public-alerts] .alert-list li');
    await listed.first().waitFor({ timeout: 10_000 });
    assert.match((await listed.first().textContent()) ?? '', new RegExp(HEADLINE));
    await supervisor.locator('.tabpanel').evaluate((el) => (el.scrollTop = 0));
    await supervisor.screenshot({ path: shot('02-supervisor-issued') });

    // The videowall: the strip of alerts in force, from the live feed.
    const strip = videowall.locator('[data-testid=videowall-alerts] [data-identifier]');
    await strip.first().waitFor({ timeout: 10_000 });
    assert.match((await strip.first().textContent()) ?? '', new RegExp(`${HEADLINE}.*Campanhã, Bonfim`));
    await videowall.screenshot({ path: shot('03-videowall') });

    const [alert] = await stack.api<PublicAlertView[]>('supervisor', 'GET', '/public-alerts');
    assert.equal(alert.draft.texts.en?.headline, 'Flood risk in Campanhã');
    assert.deepEqual(alert.draft.area.parishes, ['131203', '131202']);
    assert.equal(await strip.first().getAttribute('data-identifier'), alert.identifier);
    const xml = await (await fetch(`${stack.baseUrl}/public/alerts/${alert.identifier}.xml`)).text();
    assert.equal(capSchemaErrors(xml), null);

    // A citizen's phone: the public page lists it.
    const phone = await e2e.newPage({ width: 390, height: 844 }, 'phone');
    await phone.goto(`${stack.baseUrl}/public/alerts`);
    await phone.waitForSelector(`li.alert[data-identifier="${alert.identifier}"]`);
    await phone.screenshot({ path: shot('04-phone-public-page') });
  } catch (err) {
    for (const [name, page] of [['supervisor', supervisor], ['videowall', videowall]] as const) await page.screenshot({ path: shot(`failed-${name}`) }).catch(() => undefined);
    throw err;
  }
});
