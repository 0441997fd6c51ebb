import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError, type ApiClient } from '../api/api-client';
import { OccurrenceStore } from '../live/occurrence-store';
import { syncSchedule, unit } from '../testing/fixtures';
import { renderWithConsole } from '../testing/render';
import { UnitForm } from './unit-form';

describe('UnitForm', () => {
  it("adds a unit of the supervisor's department with a kind it may own", async () => {
    const created = unit({ code: 'PM-30', callsign: 'PM 30', department: 'POLICE', kind: 'MOTORBIKE' });
    const post = vi.fn().mockResolvedValue(created);
    const api = { post, get: vi.fn(), request: vi.fn() } as unknown as ApiClient;
    const onDone = vi.fn();
    renderWithConsole(<UnitForm api={api} department="POLICE" onDone={onDone} onCancel={vi.fn()} />, { api, store: new OccurrenceStore(syncSchedule) });
    const form = screen.getByTestId('unit-form');
    expect(within(form).queryByLabelText('Departamento')).toBeNull();
    const kinds = within(within(form).getByLabelText('Tipo')).getAllByRole('option').map((o) => o.getAttribute('value'));
    expect(kinds).toEqual(['PATROL_CAR', 'MOTORBIKE', 'TOW_TRUCK']);
    await userEvent.type(within(form).getByLabelText('Código'), 'pm-30');
    await userEvent.type(within(form).getByLabelText('Indicativo'), 'PM 30');
    await userEvent.selectOptions(within(form).getByLabelText('Tipo'), 'MOTORBIKE');
    await userEvent.type(within(form).getByLabelText('Latitude da base'), '41.16');
    await userEvent.type(within(form).getByLabelText('Longitude da base'), '-8.63');
    await userEvent.type(within(form).getByLabelText('Guarnição (um nome por linha)'), 'Agente Exemplo{enter}Agente Teste');
    await userEvent.click(within(form).getByRole('button', { name: 'Adicionar meio' }));
    expect(post).toHaveBeenCalledWith('/units', { code: 'PM-30', callsign: 'PM 30', department: 'POLICE', kind: 'MOTORBIKE', homeBase: { lat: 41.16, lon: -8.63 }, crew: ['Agente Exemplo', 'Agente Teste'] });
    expect(onDone).toHaveBeenCalledWith(created);
  });

  it('edits with the version it saw and shows the field the API names', async () => {
    const u = unit({ version: 7, crew: ['Bombeiro Exemplo'] });
    const request = vi.fn().mockRejectedValue(new ApiRequestError(409, { error: { code: 'CONFLICT', message: 'callsign is taken', fields: [{ field: 'callsign', message: 'is already used by BSB-VUCI-02' }] } } as never));
    const api = { post: vi.fn(), get: vi.fn(), request } as unknown as ApiClient;
    renderWithConsole(<UnitForm api={api} unit={u} onDone={vi.fn()} onCancel={vi.fn()} />, { api, store: new OccurrenceStore(syncSchedule) });
    const callsign = screen.getByLabelText('Indicativo');
    await userEvent.clear(callsign);
    await userEvent.type(callsign, 'VUCI 02');
    await userEvent.click(screen.getByRole('button', { name: 'Guardar' }));
    expect(request).toHaveBeenCalledWith('PATCH', `/units/${u.id}`, { version: 7, callsign: 'VUCI 02', kind: 'ENGINE', homeBase: { lat: u.homeBase.lat, lon: u.homeBase.lon, address: u.homeBase.address }, crew: ['Bombeiro Exemplo'] });
    expect(await screen.findByText('is already used by BSB-VUCI-02')).toBeInTheDocument();
  });
});
