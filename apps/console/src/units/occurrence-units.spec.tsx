import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { UnitProposal } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { OccurrenceStore } from '../live/occurrence-store';
import { assignment, occurrence, syncSchedule, unit, unitAssignment } from '../testing/fixtures';
import { renderWithConsole } from '../testing/render';
import { kindsFor, OccurrenceUnits } from './occurrence-units';
import { UnitStore } from './unit-store';
import { formatDistance, formatEta } from './units-api';

const fire = () => occurrence({ category: 'FIRE_BUILDING', lead: 'FIRE', status: 'DISPATCHED', assignments: [assignment({ department: 'FIRE' }), assignment({ department: 'POLICE', role: 'SUPPORT' })] });

function fakeApi(proposals: UnitProposal[]): { api: ApiClient; get: ReturnType<typeof vi.fn>; post: ReturnType<typeof vi.fn> } {
  const get = vi.fn(async (path: string) => {
    if (path.endsWith('/unit-proposals')) return proposals;
    throw new Error(`unexpected GET ${path}`);
  });
  const post = vi.fn().mockResolvedValue([]);
  return { api: { get, post } as unknown as ApiClient, get, post };
}

describe('OccurrenceUnits', () => {
  it('proposes the nearest units with distance and ETA, filters by kind, and assigns the chosen one', async () => {
    const o = fire();
    const near = unit({ callsign: 'VUCI 01' });
    const far = unit({ callsign: 'VE 02', kind: 'LADDER' });
    const { api, get, post } = fakeApi([
      { unit: near, distanceMeters: 850, etaSeconds: 87 },
      { unit: far, distanceMeters: 2430, etaSeconds: 292 },
    ]);
    const reload = vi.fn().mockResolvedValue(undefined);
    renderWithConsole(<OccurrenceUnits api={api} occurrence={o} assignments={[]} reload={reload} />, { api, store: new OccurrenceStore(syncSchedule) });
    const list = await screen.findByTestId('unit-proposals');
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2));
    expect(get).toHaveBeenCalledWith(`/occurrences/${o.id}/unit-proposals`, { kind: undefined, limit: 3 });
    const first = within(list).getAllByRole('listitem')[0];
    expect(first).toHaveTextContent('VUCI 01');
    expect(first).toHaveTextContent('850 m');
    expect(first).toHaveTextContent('chegada em 1 min');
    expect(screen.getByText('Nenhum meio atribuído')).toBeInTheDocument();

    // Kinds of the occurrence's departments only (Fire and Police here, no sweeper).
    const kinds = within(screen.getByTestId('proposal-kind')).getAllByRole('option').map((opt) => opt.getAttribute('value'));
    expect(kinds).toContain('LADDER');
    expect(kinds).toContain('PATROL_CAR');
    expect(kinds).not.toContain('SWEEPER');
    await userEvent.selectOptions(screen.getByTestId('proposal-kind'), 'LADDER');
    expect(get).toHaveBeenLastCalledWith(`/occurrences/${o.id}/unit-proposals`, { kind: 'LADDER', limit: 3 });

    await userEvent.click(within(first).getByRole('button', { name: 'Atribuir' }));
    expect(post).toHaveBeenCalledWith(`/occurrences/${o.id}/units`, { unitIds: [near.id] });
    expect(reload).toHaveBeenCalled();
  });

  it("shows assigned units with distance and ETA at dispatch; the geofence's proposal is confirmed, a unit is released with a reason", async () => {
    const o = fire();
    const en = unit({ callsign: 'VUCI 03', status: 'DISPATCHED' });
    const done = unit({ callsign: 'VUCI 04' });
    const units = new UnitStore(syncSchedule);
    units.load([en, done]);
    const { api, post } = fakeApi([]);
    const reload = vi.fn().mockResolvedValue(undefined);
    renderWithConsole(
      <OccurrenceUnits
        api={api}
        occurrence={o}
        reload={reload}
        assignments={[
          unitAssignment(en, { onSceneProposedAt: '2026-11-27T10:04:30.000Z' }),
          unitAssignment(done, { unitStatus: 'AVAILABLE', releasedAt: '2026-11-27T10:20:00.000Z', releasedReason: 'RESOLVED' }),
        ]}
      />,
      { api, store: new OccurrenceStore(syncSchedule), units },
    );
    const rows = within(screen.getByTestId('assigned-units')).getAllByRole('listitem');
    expect(rows[0]).toHaveTextContent('VUCI 03');
    expect(rows[0]).toHaveTextContent('A caminho');
    expect(rows[0]).toHaveTextContent('1,9 km');
    expect(rows[0]).toHaveTextContent('chegada em 3 min');
    expect(within(rows[0]).getByTestId('on-scene-proposed')).toHaveTextContent('Chegada detetada');
    expect(rows[1]).toHaveTextContent('ocorrência resolvida');
    expect(within(rows[1]).queryByRole('button')).toBeNull();
    expect(await screen.findByText('Sem meios disponíveis destes departamentos')).toBeInTheDocument();

    await userEvent.click(within(rows[0]).getByRole('button', { name: 'Confirmar no local' }));
    expect(post).toHaveBeenCalledWith(`/occurrences/${o.id}/units/a-${en.id}/on-scene`, {});

    await userEvent.click(within(rows[0]).getByRole('button', { name: 'Libertar' }));
    const submit = within(rows[0]).getByRole('button', { name: 'Libertar' });
    expect(submit).toBeDisabled();
    await userEvent.type(within(rows[0]).getByLabelText('Motivo da libertação'), 'Regressa ao quartel');
    await userEvent.click(submit);
    expect(post).toHaveBeenCalledWith(`/occurrences/${o.id}/units/a-${en.id}/release`, { reason: 'Regressa ao quartel' });
  });

  it('in a department view acts only on its own units, and proposes nothing unless asked', async () => {
    const o = fire();
    const police = unit({ callsign: 'PM 12', department: 'POLICE', kind: 'PATROL_CAR', status: 'DISPATCHED' });
    const { api, get } = fakeApi([]);
    renderWithConsole(<OccurrenceUnits api={api} occurrence={o} reload={vi.fn()} assignments={[unitAssignment(police)]} department="FIRE" canAssign={false} />, { api, store: new OccurrenceStore(syncSchedule) });
    const row = within(screen.getByTestId('assigned-units')).getByRole('listitem');
    expect(within(row).queryByRole('button', { name: 'Confirmar no local' })).toBeNull();
    expect(screen.queryByTestId('unit-proposals')).toBeNull();
    expect(get).not.toHaveBeenCalled();
  });

  it('shows English words', async () => {
    const o = fire();
    const { api } = fakeApi([{ unit: unit({ callsign: 'VUCI 09' }), distanceMeters: 12_400, etaSeconds: 4000 }]);
    renderWithConsole(<OccurrenceUnits api={api} occurrence={o} assignments={[]} reload={vi.fn()} />, { api, store: new OccurrenceStore(syncSchedule), lang: 'en' });
    const list = await screen.findByTestId('unit-proposals');
    await waitFor(() => expect(list).toHaveTextContent('12 km'));
    expect(list).toHaveTextContent('Fire engine');
    expect(list).toHaveTextContent('ETA 1 h 07 min');
    expect(screen.getByRole('button', { name: 'Assign' })).toBeInTheDocument();
    expect(screen.getByText('Nearest available units')).toBeInTheDocument();
  });
});

describe('kindsFor', () => {
  it("offers the kinds of the rule set in force for the occurrence's departments, and kinds their units have beyond it", () => {
    const catalogue = [
      { code: 'DRONE', name: 'Drone', nameEn: 'Drone', departments: ['FIRE' as const], meanSpeedKmh: 60 },
      { code: 'SWEEPER', name: 'Varredora', nameEn: 'Sweeper', departments: ['ENVIRONMENT' as const], meanSpeedKmh: 15 },
    ];
    expect(kindsFor(fire(), catalogue)).toEqual(['DRONE']);
    expect(kindsFor(fire(), catalogue, undefined, [unit({ department: 'POLICE', kind: 'PATROL_CAR' })])).toEqual(['DRONE', 'PATROL_CAR']);
    expect(kindsFor(fire(), catalogue, 'POLICE')).toEqual([]);
  });
});

describe('formatting', () => {
  it('distances and ETAs', () => {
    expect(formatDistance(42, 'pt')).toBe('40 m');
    expect(formatDistance(2430, 'pt')).toBe('2,4 km');
    expect(formatDistance(2430, 'en')).toBe('2.4 km');
    expect(formatEta(45)).toBe('45 s');
    expect(formatEta(292)).toBe('5 min');
  });
});
