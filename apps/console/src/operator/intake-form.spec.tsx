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
    });
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
});
