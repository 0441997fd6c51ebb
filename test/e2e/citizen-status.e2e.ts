/**
 * Journey 1 of product.md from the citizen's side, against the real stack: the Gabinete do Munícipe
 * reports through Open311 (form-encoded POST with its API key), the citizen follows the reference on
 * the public status page the API serves (`status_url`), while the operator dispatches and the Civil
 * Protection agent acknowledges and resolves in the department view. Screenshots in test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { OccurrenceDetail } from '@cgi/shared';
import { screenshotPath } from './support/browser';
import { useE2eSession } from './support/session';

const e2e = useE2eSession();

async function statusBecomes(page: Page, words: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    await page.reload();
    const now = (await page.textContent('#estado'))?.trim();
    if (now === words) return;
    if (Date.now() > deadline) assert.equal(now, words);
    await page.waitForTimeout(200);
  }
}


test('journey 1, the citizen: an Open311 report, then "in progress" and "resolved" with the note on the status page', async () => {
  // The Gabinete do Munícipe's integration key (created by an administrator).
  const { key } = await e2e.stack.api<{ key: string }>('admin', 'POST', '/admin/api-keys', { clientName: 'Gabinete do Munícipe', scopes: ['occurrences:create'] });
  const form = new URLSearchParams({
    api_key: key,
    service_code: 'FALLEN_TREE',
    lat: '41.1496',
    long: '-8.6063',
    address_string: 'Rua de Santa Catarina 312',
    description: 'Árvore caída a bloquear o passeio',
    email: 'municipe@example.org',
  });
  const posted = await fetch(`${e2e.stack.baseUrl}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  assert.equal(posted.status, 201, await posted.clone().text());
  const [request] = (await posted.json()) as Array<{ service_request_id: string; status_url: string }>;
  assert.match(request.service_request_id, /^OC-/);
  // status_url carries PUBLIC_BASE_URL; the page is the API's own (path and token kept).
  const statusUrl = new URL(request.status_url);
  assert.equal(statusUrl.pathname, `/status/${request.service_request_id}`);
  const statusPage = `${e2e.stack.baseUrl}${statusUrl.pathname}${statusUrl.search}`;

  const citizen = await e2e.newPage({ width: 420, height: 860 }, 'citizen');
  await citizen.goto(statusPage);
  assert.equal((await citizen.textContent('#estado'))?.trim(), 'Recebido');
  assert.equal(await citizen.locator('body').getByText('Rua de Santa Catarina').count(), 0, 'no address on the public page');
  await citizen.screenshot({ path: screenshotPath('c1-citizen-status-received'), fullPage: true });
  // Without the token: the same 404 as an unknown reference.
  const noToken = await fetch(`${e2e.stack.baseUrl}${statusUrl.pathname}`);
  assert.equal(noToken.status, 404);

  // The CGI triages and dispatches it (the workstation side is journey-1.e2e.ts).
  const [found] = (await e2e.stack.api<{ items: OccurrenceDetail[] }>('operator', 'GET', `/occurrences?q=${request.service_request_id}`)).items;
  assert.equal(found.source, 'CITIZEN');
  await e2e.stack.api('operator', 'POST', `/occurrences/${found.id}/triage`, {});
  await e2e.stack.api('operator', 'POST', `/occurrences/${found.id}/dispatch`, {});

  // The Civil Protection agent acknowledges on their screen: the citizen's page says "in progress".
  const agent = await e2e.openConsole('cp_agent');
  const card = agent.locator(`[data-testid=assignment-card][data-reference="${request.service_request_id}"]`);
  await card.waitFor({ timeout: 5000 });
  await card.getByRole('button', { name: 'Aceitar' }).click();
  await card.getByRole('button', { name: 'No local' }).waitFor();
  await statusBecomes(citizen, 'Em curso');
  await citizen.screenshot({ path: screenshotPath('c2-citizen-status-in-progress'), fullPage: true });

  await card.getByRole('button', { name: 'No local' }).click();
  await statusBecomes(citizen, 'Em curso — equipa no local');

  // Resolved with an internal note and a note for the citizen: the page shows "resolved" and only the latter.
  await card.getByRole('button', { name: 'Resolver' }).click();
  await card.locator('textarea').nth(0).fill('Árvore cortada e removida pela equipa 3; passeio limpo');
  await card.locator('textarea').nth(1).fill('A árvore foi removida e o passeio está desimpedido. Obrigado.');
  await agent.screenshot({ path: screenshotPath('c3-agent-resolving') });
  await card.getByRole('button', { name: 'Resolver' }).click();
  await card.waitFor({ state: 'detached', timeout: 5000 });
  await statusBecomes(citizen, 'Resolvido');
  const body = (await citizen.textContent('body')) ?? '';
  assert.ok(body.includes('A árvore foi removida e o passeio está desimpedido. Obrigado.'), 'the note for the citizen is shown');
  assert.ok(!body.includes('equipa 3'), 'the internal resolution note is not');
  await citizen.screenshot({ path: screenshotPath('c4-citizen-status-resolved'), fullPage: true });

  // Open311 says the same to the Gabinete.
  const [state] = (await (await fetch(`${e2e.stack.baseUrl}/open311/v2/requests/${request.service_request_id}.json`)).json()) as Array<{ status: string; status_notes: string }>;
  assert.equal(state.status, 'closed');
  assert.equal(state.status_notes, 'A árvore foi removida e o passeio está desimpedido. Obrigado.');
});
