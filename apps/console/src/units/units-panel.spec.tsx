import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { UnitDetail, UnitTrail } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { OccurrenceStore } from '../live/occurrence-store';
import { occurrence, syncSchedule, unit } from '../testing/fixtures';
import { renderWithConsole } from '../testing/render';
import { UnitStatusTable } from '../videowall/unit-status-table';
import { UnitDetailPanel } from './unit-detail';
import { UnitStore } from './unit-store';
import { UnitsPanel } from './units-panel';

const api = { get: vi.fn(), post: vi.fn() } as unknown as ApiClient;

function fleet(): UnitStore {
  const units = new UnitStore(syncSchedule);
  units.load([
    unit({ callsign: 'VUCI 02' }),
    unit({ callsign: 'VUCI 01', status: 'DISPATCHED', occurrence: { id: 'o1', reference: 'OC-2026-000001' } }),
    unit({ callsign: 'PM 12', department: 'POLICE', kind: 'PATROL_CAR', stale: true }),
    unit({ callsign: 'AMB 07', department: 'ENVIRONMENT', kind: 'SWEEPER', status: 'UNAVAILABLE', unavailableReason: 'Manutenção' }),
  ]);
  return units;
}

const callsigns = (): string[] => within(screen.getByTestId('units-list')).getAllByRole('button').map((b) => b.querySelector('.urow__callsign')?.textContent ?? '');

describe('UnitsPanel', () => {
  it('lists units by department, busy first, and filters by department and status', async () => {
    const units = fleet();
    const onSelect = vi.fn();
    renderWithConsole(<UnitsPanel units={units} selected={null} onSelect={onSelect} />, { api, store: new OccurrenceStore(syncSchedule), units });
    expect(callsigns()).toEqual(['VUCI 01', 'VUCI 02', 'PM 12', 'AMB 07']);
    expect(screen.getByText('4 meios')).toBeInTheDocument();
    expect(screen.getByTestId('units-list')).toHaveTextContent('OC-2026-000001');
    expect(screen.getByTestId('units-list')).toHaveTextContent('sem sinal');
    expect(screen.getByTestId('units-list')).toHaveTextContent('Manutenção');
    await userEvent.selectOptions(screen.getByTestId('units-filter-department'), 'FIRE');
    expect(callsigns()).toEqual(['VUCI 01', 'VUCI 02']);
    await userEvent.selectOptions(screen.getByTestId('units-filter-status'), 'AVAILABLE');
    expect(callsigns()).toEqual(['VUCI 02']);
    await userEvent.click(screen.getByRole('button', { name: /VUCI 02/ }));
    expect(onSelect).toHaveBeenCalledWith(units.list().find((u) => u.callsign === 'VUCI 02')?.id);
  });

  it('follows live status changes', async () => {
    const units = fleet();
    renderWithConsole(<UnitsPanel units={units} selected={null} onSelect={vi.fn()} department="POLICE" />, { api, store: new OccurrenceStore(syncSchedule), units });
    expect(screen.queryByTestId('units-filter-department')).toBeNull();
    expect(callsigns()).toEqual(['PM 12']);
    const pm = units.list().find((u) => u.callsign === 'PM 12');
    act(() => units.put({ ...pm!, status: 'DISPATCHED', version: 9 }));
    await waitFor(() => expect(screen.getByTestId('units-list').querySelector('[data-status]')?.getAttribute('data-status')).toBe('DISPATCHED'));
  });
});

describe('UnitStatusTable (videowall)', () => {
  it('counts units by status per department, with no names', () => {
    const units = fleet();
    renderWithConsole(<UnitStatusTable units={units.list().map((u) => ({ ...u, crew: ['Fulano de Tal'] }))} />, { api, store: new OccurrenceStore(syncSchedule), units });
    const fire = screen.getByTestId('units-dep-FIRE');
    expect(within(fire).getAllByRole('cell').map((c) => c.textContent)).toEqual(['1', '1', '', '', '']);
    expect(within(screen.getByTestId('units-dep-POLICE')).getAllByRole('cell').map((c) => c.textContent)).toEqual(['1', '', '', '', '1']);
    const table = screen.getByTestId('units-by-status');
    expect(table).not.toHaveTextContent('Fulano');
    expect(table).not.toHaveTextContent('VUCI');
  });
});

describe('UnitDetailPanel', () => {
  it('shows the current occurrence and crew, and draws the trail from GET /units/:id/trail', async () => {
    const units = fleet();
    const u = units.list().find((x) => x.callsign === 'VUCI 01')!;
    const o = occurrence({ id: 'o1' });
    const detail: UnitDetail = { ...u, crew: ['Bombeiro Exemplo Um', 'Bombeira Exemplo Dois'], assignments: [] };
    const trail: UnitTrail = { unitId: u.id, from: '2026-11-27T08:00:00.000Z', to: '2026-11-27T10:00:00.000Z', points: [{ lat: 41.15, lon: -8.62, at: '2026-11-27T09:59:00.000Z', speedKmh: 30, headingDeg: 90 }, u.position!] };
    const get = vi.fn(async (path: string) => (path === `/units/${u.id}` ? detail : path === `/units/${u.id}/trail` ? trail : Promise.reject(new Error(path))));
    const onTrail = vi.fn();
    const onSelectOccurrence = vi.fn();
    const client = { get, post: vi.fn() } as unknown as ApiClient;
    renderWithConsole(<UnitDetailPanel api={client} id={u.id} onClose={vi.fn()} onTrail={onTrail} onSelectOccurrence={onSelectOccurrence} />, { api: client, store: new OccurrenceStore(syncSchedule), units });
    expect(await screen.findByTestId('unit-crew')).toHaveTextContent('Bombeiro Exemplo Um, Bombeira Exemplo Dois');
    await userEvent.click(screen.getByRole('button', { name: 'OC-2026-000001' }));
    expect(onSelectOccurrence).toHaveBeenCalledWith(o.id);
    await userEvent.click(screen.getByTestId('unit-trail-toggle'));
    expect(onTrail).toHaveBeenLastCalledWith(trail);
    expect(screen.getByTestId('unit-trail-info')).toHaveTextContent('2 posições');
    // A live fix extends the trail on the map.
    act(() => {
      units.applyPositions({ positions: [{ unitId: u.id, lat: 41.152, lon: -8.61, at: '2026-11-27T10:00:05.000Z', speedKmh: 35, headingDeg: 80 }] });
    });
    await waitFor(() => expect(onTrail).toHaveBeenLastCalledWith(expect.objectContaining({ points: expect.arrayContaining([expect.objectContaining({ lat: 41.152 })]) })));
    expect(screen.getByTestId('unit-trail-info')).toHaveTextContent('3 posições');
  });
});
