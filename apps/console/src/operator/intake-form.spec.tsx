import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { CategoryRule, RoutingDecision } from '@cgi/shared';
import { ApiRequestError, type ApiClient } from '../api/api-client';
import { OccurrenceStore } from '../live/occurrence-store';
import { syncSchedule } from '../testing/fixtures';
import { renderWithConsole } from '../testing/render';
import { IntakeForm } from './intake-form';

const CATEGORIES = [
  { code: 'FALLEN_TREE', name: 'Queda de árvore', defaultPriority: 'P2' },
  { code: 'FLOODING', name: 'Inundação', defaultPriority: 'P2' },
] as CategoryRule[];

const DECISION: RoutingDecision = {
  ruleSetVersion: 1,
  input: { category: 'FALLEN_TREE', source: 'OPERATOR', flags: { injuries: true, hazardousMaterials: false, blocksTraffic: false, peopleAtRisk: 0 }, parishCode: '131217', operationalLevel: 'NORMAL' },
  result: { lead: 'CIVIL_PROTECTION', support: ['ENVIRONMENT', 'FIRE'], coordinator: null, notify: ['INEM'], priority: 'P1', autoDispatch: false, needsTriage: false },
  fired: [{ rule: 'modifier:injuries', reason: 'injuries: priority P1, FIRE joins, INEM notified' }],
};

describe('IntakeForm', () => {
  it('searches categories, previews the routing decision before submit, and submits', async () => {
    const post = vi.fn(async (path: string) => (path.endsWith('routing-preview') ? DECISION : { id: 'x', reference: 'OC-1' }));
    const api = { post, get: vi.fn() } as unknown as ApiClient;
    const onCreated = vi.fn();
    renderWithConsole(<IntakeForm api={api} categories={CATEGORIES} picked={{ lat: 41.1496, lon: -8.6063 }} onPick={vi.fn()} onCreated={onCreated} />, { api, store: new OccurrenceStore(syncSchedule) });
    await userEvent.type(screen.getByPlaceholderText('Pesquisar categoria…'), 'árv');
    const select = screen.getByTestId('category-select');
    expect(select.querySelectorAll('option')).toHaveLength(1);
    await userEvent.selectOptions(select, 'FALLEN_TREE');
    await userEvent.click(screen.getByLabelText('Feridos'));
    await userEvent.type(screen.getByLabelText('Descrição'), 'Árvore sobre um carro');
    const preview = screen.getByTestId('routing-preview');
    await waitFor(() => expect(preview).toHaveTextContent('Proteção Civil'));
    expect(preview).toHaveTextContent('P1');
    expect(preview).toHaveTextContent('INEM');
    expect(preview).toHaveTextContent('modifier:injuries');
    await userEvent.click(screen.getByRole('button', { name: 'Registar' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(post).toHaveBeenLastCalledWith('/occurrences', {
      category: 'FALLEN_TREE',
      location: { lat: 41.1496, lon: -8.6063 },
      flags: { injuries: true, hazardousMaterials: false, blocksTraffic: false, peopleAtRisk: 0 },
      description: 'Árvore sobre um carro',
    }, { 'idempotency-key': expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it("shows the API's field errors next to the field", async () => {
    const post = vi.fn(async (path: string) => {
      if (path.endsWith('routing-preview')) return DECISION;
      throw new ApiRequestError(400, { error: { code: 'VALIDATION_FAILED', message: 'Invalid request', correlationId: 'c', fields: [{ field: 'description', message: 'description must be shorter' }] } });
    });
    const api = { post, get: vi.fn() } as unknown as ApiClient;
    renderWithConsole(<IntakeForm api={api} categories={CATEGORIES} picked={{ lat: 41.15, lon: -8.61 }} onPick={vi.fn()} onCreated={vi.fn()} />, { api, store: new OccurrenceStore(syncSchedule) });
    await userEvent.selectOptions(screen.getByTestId('category-select'), 'FLOODING');
    await userEvent.type(screen.getByLabelText('Descrição'), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Registar' }));
    expect(await screen.findByText('description must be shorter')).toBeInTheDocument();
  });

  it('sends one Idempotency-Key per report: the same on a retry after a lost answer, a new one after it is stored', async () => {
    let attempts = 0;
    const post = vi.fn(async (path: string) => {
      if (path.endsWith('routing-preview')) return DECISION;
      attempts++;
      if (attempts === 1) throw new ApiRequestError(0, null); // the answer was lost
      return { id: `id-${attempts}`, reference: `OC-2026-00000${attempts}` };
    });
    const api = { post, get: vi.fn() } as unknown as ApiClient;
    renderWithConsole(<IntakeForm api={api} categories={CATEGORIES} picked={{ lat: 41.15, lon: -8.61 }} onPick={vi.fn()} onCreated={vi.fn()} />, { api, store: new OccurrenceStore(syncSchedule) });
    const submit = async (text: string): Promise<void> => {
      await userEvent.selectOptions(screen.getByTestId('category-select'), 'FLOODING');
      await userEvent.clear(screen.getByLabelText('Descrição'));
      await userEvent.type(screen.getByLabelText('Descrição'), text);
      await userEvent.click(screen.getByRole('button', { name: 'Registar' }));
    };
    await submit('Inundação na passagem inferior');
    await waitFor(() => expect(attempts).toBe(1));
    await userEvent.click(screen.getByRole('button', { name: 'Registar' }));
    await waitFor(() => expect(attempts).toBe(2));
    await submit('Outra inundação');
    await waitFor(() => expect(attempts).toBe(3));
    const keys = post.mock.calls.filter(([path]) => path === '/occurrences').map((call) => (call as unknown[])[2] as Record<string, string>);
    expect(keys).toHaveLength(3);
    expect(keys[1]['idempotency-key']).toBe(keys[0]['idempotency-key']);
    expect(keys[2]['idempotency-key']).not.toBe(keys[1]['idempotency-key']);
  });
});
