/**
 * The operator workstation's screens not covered by journey 1, in a real browser against the real
 * stack: override routing with a reason, merge a duplicate into a suggested nearby occurrence, the
 * supervisor's operational levels (CRISIS for Campanhã, seen live on the videowall), the
 * keyboard flow of the workstation, and publishing a citizen report on Open311 (ADR 0020).
 * One stack for the file; screenshots in test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { OccurrenceDetail } from '@cgi/shared';
import { screenshotPath } from './support/browser';
import { useE2eSession } from './support/session';

const e2e = useE2eSession();
let supervisor: Page;

const report = (description: string, lat: number, lon: number, address: string): Promise<OccurrenceDetail> =>
  e2e.stack.api<OccurrenceDetail>('operator', 'POST', '/occurrences', { category: 'FALLEN_TREE', description, location: { lat, lon, address } });

/** Opens an occurrence's detail from the "Ocorrências" tab, found by its reference. */
async function openDetail(page: Page, reference: string): Promise<void> {
  await page.getByRole('tab', { name: /Ocorrências/ }).click();
  await page.getByRole('searchbox').fill(reference);
  await page.click(`[data-testid=occurrence-list] [data-reference="${reference}"]`);
  await page.waitForSelector(`[data-testid=occurrence-detail][aria-label="${reference}"]`);
}

before(async () => {
  supervisor = await e2e.openConsole('supervisor', { width: 1600, height: 1000 });
});


test('override routing with a reason: the timeline shows it and the rules’ own decision is kept', async () => {
  const o = await report('Árvore caída sobre uma viatura', 41.1487, -8.5853, 'Estação de Campanhã');
  const rules = o.routing.result;
  const fired = o.routing.fired.map((f) => f.rule);
  assert.equal(rules.lead, 'CIVIL_PROTECTION');
  assert.equal(rules.priority, 'P2');
  await openDetail(supervisor, o.reference);
  const detail = supervisor.locator('[data-testid=occurrence-detail]');
  await detail.getByText('Alterar encaminhamento').click();
  await detail.locator('.subform select').first().selectOption('FIRE');
  await detail.locator('.subform select').nth(1).selectOption('P1');
  await detail.getByLabel('Motivo').first().fill('Pessoa presa na viatura: desencarceramento pelos Bombeiros');
  await supervisor.screenshot({ path: screenshotPath('o1-override-form') });
  await detail.getByRole('button', { name: 'Aplicar' }).click();

  await supervisor.waitForFunction(() => document.querySelector('[data-testid=timeline]')?.textContent?.includes('desencarceramento'));
  const timeline = (await detail.getByTestId('timeline').textContent()) ?? '';
  assert.match(timeline, /Encaminhamento alterado · CGI_SUPERVISOR:supervisor — Sapadores Bombeiros \/ P1 — Pessoa presa na viatura: desencarceramento pelos Bombeiros/);
  assert.match((await detail.locator('.override').textContent()) ?? '', /Sapadores Bombeiros \/ P1 — Pessoa presa/);
  // The rules that fired are still listed as they decided.
  assert.deepEqual(await detail.locator('.fired code').allTextContents(), fired);
  await supervisor.screenshot({ path: screenshotPath('o2-override-applied') });

  const after = await e2e.stack.api<OccurrenceDetail>('operator', 'GET', `/occurrences/${o.id}`);
  assert.equal(after.lead, 'FIRE');
  assert.equal(after.priority, 'P1');
  assert.deepEqual(after.routing.result, rules, 'the rules’ decision is kept beside the override');
  assert.deepEqual(after.routing.fired.map((f) => f.rule), fired);
  assert.equal(after.override?.reason, 'Pessoa presa na viatura: desencarceramento pelos Bombeiros');
});

test('merge a duplicate into the suggested nearby occurrence', async () => {
  const first = await report('Árvore caída na Rua do Heroísmo', 41.1503, -8.5949, 'Rua do Heroísmo 120');
  const dup = await report('Árvore no chão, Heroísmo', 41.1505, -8.5946, 'Rua do Heroísmo 150');
  assert.notEqual(dup.status, 'MERGED', 'operator intake does not link it by itself');
  await openDetail(supervisor, dup.reference);
  const detail = supervisor.locator('[data-testid=occurrence-detail]');
  await detail.getByText('Fundir duplicado').click();
  const candidate = detail.locator('[data-testid=merge-candidates] li', { hasText: first.reference });
  await candidate.waitFor({ timeout: 5000 });
  await supervisor.screenshot({ path: screenshotPath('o3-merge-candidates') });
  await candidate.getByRole('button', { name: 'Fundir nesta' }).click();
  await supervisor.waitForFunction(() => document.querySelector('[data-testid=timeline]')?.textContent?.includes('Fundida'));
  await supervisor.screenshot({ path: screenshotPath('o4-merged') });

  const merged = await e2e.stack.api<OccurrenceDetail>('operator', 'GET', `/occurrences/${dup.id}`);
  assert.equal(merged.status, 'MERGED');
  assert.equal(merged.parentId, first.id);
  const parent = await e2e.stack.api<OccurrenceDetail>('operator', 'GET', `/occurrences/${first.id}`);
  assert.equal(parent.reportCount, 2);
});

test('the supervisor sets CRISIS for Campanhã and the videowall shows it live', async () => {
  const videowall = await e2e.openConsole('videowall', { width: 1920, height: 1080 });
  const label = videowall.locator('.parish-label', { hasText: 'Campanhã' });
  await label.waitFor({ timeout: 10_000 });
  assert.ok(!(await label.getAttribute('class'))?.includes('level-crisis'));

  await supervisor.getByRole('tab', { name: /Níveis operacionais/ }).click();
  const row = supervisor.locator('tr[data-scope]', { hasText: 'Campanhã' });
  await row.locator('select').selectOption('CRISIS');
  await row.getByRole('textbox').fill('Temporal: inundações em série');
  await row.getByRole('button', { name: 'Definir nível' }).click();
  await row.locator('.level-chip--crisis').waitFor({ timeout: 5000 });
  await supervisor.screenshot({ path: screenshotPath('o5-levels-crisis') });

  await videowall.locator('.parish-label.level-crisis', { hasText: 'Campanhã' }).waitFor({ timeout: 5000 });
  assert.match((await videowall.locator('.parish-label.level-crisis').textContent()) ?? '', /Campanhã · CRISE/);
  assert.equal(await videowall.evaluate(() => performance.getEntriesByType('navigation').length), 1, 'no reload');
  await videowall.screenshot({ path: screenshotPath('o6-videowall-crisis') });
});

test('keyboard: tabs move with the arrows, a row opens with Enter, every control has a name', async () => {
  const o = await report('Árvore tombada no passeio', 41.1579, -8.6291, 'Rua de Cedofeita 200');
  const page = supervisor;
  await page.getByRole('tab', { name: /Nova ocorrência/ }).click();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-triage');
  assert.equal(await page.getAttribute('#tab-triage', 'aria-selected'), 'true');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-alerts');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-levels');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-occurrences');
  // Into the panel: the search box, then the first row; Enter opens it.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type), 'search');
  await page.keyboard.type(o.reference);
  await page.waitForSelector(`[data-testid=occurrence-list] [data-reference="${o.reference}"]`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-reference')), o.reference);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`[data-testid=occurrence-detail][aria-label="${o.reference}"]`);
  await page.screenshot({ path: screenshotPath('o7-keyboard-detail') });

  // A cheap accessibility check (axe-core is not a dependency): every visible control has an accessible name.
  const unnamed = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('button, [role=tab], input, select, textarea, summary, a[href]'))
      .filter((el) => el.offsetParent !== null || el.tagName === 'SUMMARY')
      .filter((el) => {
        const labelled = el.getAttribute('aria-labelledby');
        const name =
          el.getAttribute('aria-label') ??
          (labelled ? document.getElementById(labelled)?.textContent : null) ??
          ((el as HTMLInputElement).labels?.length ? Array.from((el as HTMLInputElement).labels ?? [], (l) => l.textContent).join(' ') : null) ??
          (el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' ? el.getAttribute('placeholder') ?? el.getAttribute('title') : el.textContent);
        return !name?.trim();
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unnamed, []);
});

test('publish a citizen report on Open311: the confirmation shows its text, then the public reads it whole', async () => {
  const { key } = await e2e.stack.api<{ key: string }>('admin', 'POST', '/admin/api-keys', { clientName: 'Gabinete do Munícipe', scopes: ['occurrences:create'] });
  const text = 'Carro estacionado em cima do passeio todos os dias, à porta do 26';
  const form = new URLSearchParams({ api_key: key, service_code: 'FALLEN_TREE', lat: '41.14689', long: '-8.61154', address_string: 'LG CRUZINHO 26', description: text });
  const posted = await fetch(`${e2e.stack.baseUrl}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  assert.equal(posted.status, 201, await posted.clone().text());
  const [{ service_request_id: reference }] = (await posted.json()) as Array<{ service_request_id: string }>;
  const publicRead = async (): Promise<{ description: string | null; address: string | null }> =>
    ((await (await fetch(`${e2e.stack.baseUrl}/open311/v2/requests/${reference}.json`)).json()) as Array<{ description: string | null; address: string | null }>)[0];
  const before = await publicRead();
  assert.equal(before.description, null, 'withheld until the CGI makes it public');
  assert.equal(before.address, 'LG CRUZINHO');

  await openDetail(supervisor, reference);
  const panel = supervisor.locator('[data-testid=occurrence-detail] [data-testid=report-publication]');
  await panel.getByTestId('publication-state').getByText('Descrição reservada').waitFor({ timeout: 5000 });
  await panel.getByRole('button', { name: 'Tornar pública…' }).click();
  assert.equal(await panel.getByTestId('publication-text').textContent(), text);
  await supervisor.screenshot({ path: screenshotPath('o8-publication-confirm') });
  await panel.getByRole('button', { name: 'Tornar pública', exact: true }).click();
  await panel.getByTestId('publication-state').getByText('Descrição pública').waitFor({ timeout: 5000 });
  assert.match((await panel.getByTestId('publication-state').textContent()) ?? '', /por CGI_SUPERVISOR:supervisor/);
  await supervisor.screenshot({ path: screenshotPath('o9-publication-public') });
  const after = await publicRead();
  assert.equal(after.description, text);
  assert.equal(after.address, 'LG CRUZINHO 26');
});
