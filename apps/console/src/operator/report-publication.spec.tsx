import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { OccurrenceDetail, OccurrenceView, ReportPublication, Role } from '@cgi/shared';
import { ApiRequestError, type ApiClient } from '../api/api-client';
import { OccurrenceStore } from '../live/occurrence-store';
import { occurrence, syncSchedule } from '../testing/fixtures';
import { renderWithConsole } from '../testing/render';
import { OccurrenceDetailPanel } from './occurrence-detail';

const TEXT = 'Carro sempre estacionado no passeio, à porta do nº 26.\nJá não se passa com o carrinho do bebé.';

function detail(over: Partial<OccurrenceView> = {}): OccurrenceDetail {
  const o = occurrence({ source: 'CITIZEN', status: 'NEW', category: 'FALLEN_TREE', description: TEXT, location: { lat: 41.15387, lon: -8.60642, address: 'LG CRUZINHO 26', parishCode: '131217', parishName: 'Cedofeita' }, ...over });
  return {
    ...o,
    units: [],
    routing: { ruleSetVersion: 1, input: { category: o.category, source: o.source, flags: o.flags, parishCode: '131217', operationalLevel: 'NORMAL' }, result: { lead: o.lead, support: [], coordinator: null, notify: [], priority: o.priority, autoDispatch: false, needsTriage: true }, fired: [] },
    override: null,
    timeline: [],
  };
}

const reserved = (d: OccurrenceDetail): ReportPublication => ({ occurrenceId: d.id, reference: d.reference, descriptionPublic: false, publicAt: null, publicBy: null });

/** An API answering the detail and its publication state; `post` is the publication command. */
function fakeApi(d: OccurrenceDetail, post: ReturnType<typeof vi.fn>): { api: ApiClient; get: ReturnType<typeof vi.fn> } {
  const get = vi.fn(async (path: string) => {
    if (path === `/occurrences/${d.id}`) return d;
    if (path === `/occurrences/${d.id}/publication`) return reserved(d);
    throw new Error(`unexpected GET ${path}`);
  });
  return { api: { get, post } as unknown as ApiClient, get };
}

function renderDetail(d: OccurrenceDetail, role: Role, post = vi.fn()): { get: ReturnType<typeof vi.fn>; post: ReturnType<typeof vi.fn> } {
  const { api, get } = fakeApi(d, post);
  renderWithConsole(<OccurrenceDetailPanel api={api} id={d.id} role={role} onClose={vi.fn()} onSelect={vi.fn()} />, { api, store: new OccurrenceStore(syncSchedule) });
  return { get, post };
}

describe('OccurrenceDetailPanel: publication of a citizen report on Open311', () => {
  it('shows an operator that the description is withheld and what the public reads meanwhile', async () => {
    const d = detail();
    renderDetail(d, 'CGI_OPERATOR');
    const panel = await screen.findByTestId('report-publication');
    expect(await within(panel).findByTestId('publication-state')).toHaveTextContent('Descrição reservada');
    // The public reads the street without the house number and a point rounded to 0.001°.
    expect(panel).toHaveTextContent('O público do Open311 vê: sem descrição nem fotografia; LG CRUZINHO; ponto aproximado (≈ 100 m) 41.154, -8.606.');
    expect(within(panel).getByRole('button', { name: 'Tornar pública…' })).toBeEnabled();
  });

  it('is hidden from a department agent (the API refuses them) and asks nothing', async () => {
    const d = detail();
    const { get } = renderDetail(d, 'DEPARTMENT_AGENT');
    await screen.findByTestId('occurrence-detail');
    expect(screen.queryByTestId('report-publication')).not.toBeInTheDocument();
    // The detail and its nearby assets: nothing about the publication.
    expect(get.mock.calls.map(([path]) => path).sort()).toEqual([`/occurrences/${d.id}`, `/occurrences/${d.id}/assets`]);
  });

  it('is not offered for an occurrence an operator registered (Open311 never lists it)', async () => {
    renderDetail(detail({ source: 'OPERATOR' }), 'CGI_SUPERVISOR');
    await screen.findByTestId('occurrence-detail');
    expect(screen.queryByTestId('report-publication')).not.toBeInTheDocument();
  });

  it("confirms with the citizen's text as the reader will see it, sends {descriptionPublic: true} and shows who made it public", async () => {
    const d = detail();
    const post = vi.fn(async () => ({ occurrenceId: d.id, reference: d.reference, descriptionPublic: true, publicAt: '2026-12-03T15:40:00.000Z', publicBy: 'CGI_OPERATOR:operador' }) satisfies ReportPublication);
    renderDetail(d, 'CGI_OPERATOR', post);
    const panel = await screen.findByTestId('report-publication');
    await userEvent.click(await within(panel).findByRole('button', { name: 'Tornar pública…' }));
    expect(post).not.toHaveBeenCalled();
    const confirm = within(panel).getByTestId('publication-confirm');
    expect(confirm).toHaveFocus();
    expect(within(confirm).getByTestId('publication-text').textContent).toBe(TEXT);
    expect(confirm).toHaveTextContent('Morada exataLG CRUZINHO 26');
    expect(confirm).toHaveTextContent('Ponto exato41.15387, -8.60642');
    await userEvent.click(within(confirm).getByRole('button', { name: 'Tornar pública' }));
    expect(post).toHaveBeenCalledTimes(1);
    expect(post).toHaveBeenCalledWith(`/occurrences/${d.id}/publication`, { descriptionPublic: true });
    await waitFor(() => expect(within(panel).getByTestId('publication-state')).toHaveTextContent('Descrição pública'));
    expect(within(panel).getByTestId('publication-state')).toHaveTextContent(/por CGI_OPERATOR:operador · 03\/12\/2026,? 15:40/);
    expect(within(panel).queryByTestId('publication-confirm')).not.toBeInTheDocument();
    expect(within(panel).getByRole('button', { name: 'Retirar do público…' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Descrição tornada pública');
  });

  it("shows the API's refusal in a toast and keeps the state it had", async () => {
    const d = detail();
    const post = vi.fn(async () => {
      throw new ApiRequestError(403, { error: { code: 'FORBIDDEN', message: 'Not allowed for this role', correlationId: 'c' } });
    });
    renderDetail(d, 'CGI_SUPERVISOR', post);
    const panel = await screen.findByTestId('report-publication');
    await userEvent.click(await within(panel).findByRole('button', { name: 'Tornar pública…' }));
    await userEvent.click(within(panel).getByRole('button', { name: 'Tornar pública' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Erro: Not allowed for this role');
    expect(within(panel).getByTestId('publication-state')).toHaveTextContent('Descrição reservada');
    expect(within(panel).getByRole('button', { name: 'Tornar pública' })).toBeEnabled();
  });
});
