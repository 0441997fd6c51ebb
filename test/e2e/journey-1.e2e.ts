/**
 * Journey 1 of product.md in real browsers against the real stack: the operator, a Civil
 * Protection agent, the videowall and a Mobility agent, each in its own browser context.
 * Screenshots of every view go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { OccurrenceDetail } from '@cgi/shared';
import { screenshotPath } from './support/browser';
import { useE2eSession } from './support/session';
import type { StackUser } from './support/stack';

const e2e = useE2eSession();

/** A logged-in console, with the live feed's websocket frames it receives. */
async function openConsole(user: StackUser, viewport: { width: number; height: number }): Promise<{ page: Page; frames: string[] }> {
  const frames: string[] = [];
  const page = await e2e.openConsole(user, viewport, (p) => p.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload)))));
  return { page, frames };
}

const markerDrawn = (page: Page, id: string, timeout: number): Promise<unknown> =>
  page.waitForFunction((occId) => (window as unknown as { __cgiMap?: { layer: { isDrawn: (i: string) => boolean } } }).__cgiMap?.layer.isDrawn(occId) === true, id, { timeout });


test('journey 1: a fallen tree reported by a citizen, seen live on the videowall, acknowledged by Civil Protection, never shown to Mobility', async () => {
  const videowall = await openConsole('videowall', { width: 1920, height: 1080 });
  const operator = await openConsole('operator', { width: 1600, height: 900 });
  const agent = await openConsole('cp_agent', { width: 1400, height: 900 });
  const mobility = await openConsole('mobility_agent', { width: 1400, height: 900 });
  await videowall.page.screenshot({ path: screenshotPath('01-videowall-empty') });

  // The Gabinete do Munícipe's report (citizen source: it waits for triage).
  const report = await e2e.stack.api<OccurrenceDetail>('operator', 'POST', '/occurrences', {
    category: 'FALLEN_TREE',
    source: 'CITIZEN',
    description: 'Árvore caída a bloquear o passeio',
    location: { lat: 41.1496, lon: -8.6063, address: 'Rua de Santa Catarina 312' },
  });
  assert.equal(report.status, 'NEW');
  await markerDrawn(videowall.page, report.id, 2000);
  await videowall.page.waitForSelector(`[data-testid=urgent-list] [data-reference="${report.reference}"]`, { timeout: 3000 });
  await videowall.page.screenshot({ path: screenshotPath('02-videowall-new-report') });

  // The operator triages and dispatches it from the workstation.
  await operator.page.getByRole('tab', { name: /Triagem/ }).click();
  await operator.page.click(`[data-testid=triage-queue] [data-reference="${report.reference}"]`);
  await operator.page.waitForSelector('[data-testid=occurrence-detail]');
  await operator.page.screenshot({ path: screenshotPath('03-operator-triage') });
  await operator.page.getByRole('button', { name: 'Triar', exact: true }).click();
  await operator.page.getByRole('button', { name: 'Despachar', exact: true }).click();
  await operator.page.waitForFunction(() => document.querySelector('[data-testid=assignments]')?.textContent?.includes('Proteção Civil'));
  await operator.page.screenshot({ path: screenshotPath('04-operator-dispatched') });

  // Civil Protection's screen shows it; the agent acknowledges.
  const card = agent.page.locator(`[data-testid=assignment-card][data-reference="${report.reference}"]`);
  await card.waitFor({ timeout: 5000 });
  await agent.page.screenshot({ path: screenshotPath('05-civil-protection-assigned') });
  await card.getByRole('button', { name: 'Aceitar' }).click();
  await card.getByRole('button', { name: 'No local' }).waitFor();

  // The videowall follows without a reload.
  await videowall.page.waitForSelector(`[data-testid=urgent-list] [data-reference="${report.reference}"][data-status="ACKNOWLEDGED"]`, { timeout: 5000 });
  assert.equal(await videowall.page.evaluate(() => performance.getEntriesByType('navigation').length), 1);
  await videowall.page.screenshot({ path: screenshotPath('06-videowall-acknowledged') });

  // On scene, then resolved with a note.
  await card.getByRole('button', { name: 'No local' }).click();
  await card.getByRole('button', { name: 'Resolver' }).click();
  await card.locator('textarea').first().fill('Árvore removida, passeio desimpedido');
  await card.getByRole('button', { name: 'Resolver' }).click();
  await card.waitFor({ state: 'detached', timeout: 5000 });
  const resolved = await e2e.stack.api<OccurrenceDetail>('operator', 'GET', `/occurrences/${report.id}`);
  assert.equal(resolved.status, 'RESOLVED');
  await videowall.page.waitForSelector(`[data-testid=urgent-list] [data-reference="${report.reference}"]`, { state: 'detached', timeout: 5000 });
  await videowall.page.screenshot({ path: screenshotPath('07-videowall-resolved') });

  // Mobility never saw it: not on screen, not in a single frame of its live feed.
  await mobility.page.screenshot({ path: screenshotPath('08-mobility-view') });
  assert.equal(await mobility.page.locator(`[data-reference="${report.reference}"]`).count(), 0);
  assert.ok(mobility.frames.length > 0, 'the Mobility console is connected to the live feed');
  assert.ok(!mobility.frames.some((f) => f.includes(report.id) || f.includes(report.reference)));
  assert.ok(agent.frames.some((f) => f.includes(report.id)), 'Civil Protection got it over the live feed');
});

test('a console that loses its connection shows the banner and catches up on reconnect', async () => {
  const { page } = await openConsole('cp_agent', { width: 1400, height: 900 });
  await page.context().setOffline(true);
  await page.waitForSelector('[data-testid=feed-banner]', { timeout: 15_000 });
  await page.screenshot({ path: screenshotPath('09-feed-down-banner') });
  const missed = await e2e.stack.api<OccurrenceDetail>('operator', 'POST', '/occurrences', {
    category: 'FLOODING',
    description: 'Passagem inferior inundada',
    location: { lat: 41.1487, lon: -8.5853, address: 'Estação de Campanhã' },
  });
  await page.context().setOffline(false);
  await page.waitForSelector(`[data-testid=assignment-card][data-reference="${missed.reference}"]`, { timeout: 15_000 });
  await page.waitForSelector('[data-testid=feed-banner]', { state: 'detached', timeout: 15_000 });
  assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), 1);
});
