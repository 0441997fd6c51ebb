import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../api/api-client';
import { sounds } from '../common/alarm';
import { OccurrenceStore } from '../live/occurrence-store';
import type { OccurrenceDetail } from '@cgi/shared';
import { UnitStore } from '../units/unit-store';
import { assignment, liveEvent, occurrence, syncSchedule, unit, unitAssignment } from '../testing/fixtures';
import { renderWithConsole } from '../testing/render';
import { DepartmentView } from './department-view';

function fakeApi(post = vi.fn()): ApiClient {
  return { post, get: vi.fn().mockResolvedValue({ items: [], nextCursor: null }) } as unknown as ApiClient;
}

describe('DepartmentView', () => {
  it("lists the department's occurrences most urgent first, with countdowns, and only its own", () => {
    const store = new OccurrenceStore(syncSchedule);
    const p3 = occurrence({ priority: 'P3', reference: 'OC-P3' });
    const p1 = occurrence({ priority: 'P1', reference: 'OC-P1' });
    const police = occurrence({ reference: 'OC-POLICE', lead: 'POLICE', assignments: [assignment({ department: 'POLICE' })] });
    store.finishSnapshot([p3, p1, police]);
    renderWithConsole(<DepartmentView api={fakeApi()} department="CIVIL_PROTECTION" />, { api: fakeApi(), store });
    const cards = screen.getAllByTestId('assignment-card');
    expect(cards.map((c) => c.dataset.reference)).toEqual(['OC-P1', 'OC-P3']);
    expect(within(cards[0]).getByTestId('countdown')).toBeInTheDocument();
    expect(within(cards[0]).getByLabelText('P1')).toHaveTextContent('P1');
  });

  it('acknowledges with the version it saw, and shows the answer', async () => {
    const store = new OccurrenceStore(syncSchedule);
    const o = occurrence({ version: 4 });
    store.finishSnapshot([o]);
    const post = vi.fn().mockResolvedValue({ ...o, version: 5, status: 'ACKNOWLEDGED', assignments: [assignment({ state: 'ACKNOWLEDGED' })] });
    const api = fakeApi(post);
    renderWithConsole(<DepartmentView api={api} department="CIVIL_PROTECTION" />, { api, store });
    await userEvent.click(screen.getByRole('button', { name: 'Aceitar' }));
    expect(post).toHaveBeenCalledWith(`/occurrences/${o.id}/acknowledge`, { version: 4 });
    expect(await screen.findByRole('button', { name: 'No local' })).toBeInTheDocument();
  });

  it('resolves only with a note', async () => {
    const store = new OccurrenceStore(syncSchedule);
    const o = occurrence({ status: 'ON_SCENE', assignments: [assignment({ state: 'ON_SCENE' })] });
    store.finishSnapshot([o]);
    const post = vi.fn().mockResolvedValue({ ...o, version: 2, status: 'RESOLVED' });
    const api = fakeApi(post);
    renderWithConsole(<DepartmentView api={api} department="CIVIL_PROTECTION" />, { api, store });
    await userEvent.click(screen.getByRole('button', { name: 'Resolver' }));
    const submit = screen.getByRole('button', { name: 'Resolver' });
    expect(submit).toBeDisabled();
    await userEvent.type(screen.getByLabelText('Nota de resolução'), 'Árvore removida');
    await userEvent.click(submit);
    expect(post).toHaveBeenCalledWith(`/occurrences/${o.id}/resolve`, { version: 1, note: 'Árvore removida' });
  });

  it('chimes and shows a toast when something new arrives', async () => {
    const chime = vi.spyOn(sounds, 'chime').mockImplementation(() => undefined);
    const store = new OccurrenceStore(syncSchedule);
    store.finishSnapshot([]);
    renderWithConsole(<DepartmentView api={fakeApi()} department="CIVIL_PROTECTION" />, { api: fakeApi(), store });
    expect(screen.getByText('Nada atribuído a este departamento')).toBeInTheDocument();
    act(() => {
      store.apply(liveEvent('3.1', occurrence({ reference: 'OC-NEW' }), 'DISPATCHED'));
    });
    expect(chime).toHaveBeenCalledTimes(1);
    expect(await screen.findByRole('status')).toHaveTextContent('OC-NEW');
    expect(screen.getAllByTestId('assignment-card')).toHaveLength(1);
  });

  it("shows the department's own escalation (a support department that did not acknowledge), not another department's", () => {
    const store = new OccurrenceStore(syncSchedule);
    const o = occurrence({
      reference: 'OC-FIRE',
      lead: 'FIRE',
      escalationLevel: 'L3',
      assignments: [
        assignment({ department: 'FIRE', role: 'LEAD', escalationLevel: 'L3' }),
        assignment({ department: 'POLICE', role: 'SUPPORT', escalationLevel: 'L2' }),
        assignment({ department: 'CIVIL_PROTECTION', role: 'COORDINATOR', state: 'ACKNOWLEDGED' }),
      ],
    });
    store.finishSnapshot([o]);
    const police = renderWithConsole(<DepartmentView api={fakeApi()} department="POLICE" />, { api: fakeApi(), store });
    const card = screen.getByTestId('assignment-card');
    expect(within(card).getByTestId('own-escalation')).toHaveTextContent('▲ L2 · Escalado: este departamento não cumpriu o prazo');
    expect(within(card).getByTestId('own-escalation').className).toContain('card__escalated--l2');
    expect(card).toHaveTextContent('Apoio');
    police.unmount();

    renderWithConsole(<DepartmentView api={fakeApi()} department="CIVIL_PROTECTION" />, { api: fakeApi(), store });
    const coordinating = screen.getByTestId('assignment-card');
    expect(within(coordinating).queryByTestId('own-escalation')).toBeNull();
    expect(coordinating).toHaveTextContent('Coordenação');
  });

  it("shows its own units on the occurrence and confirms the geofence's on-scene proposal", async () => {
    const store = new OccurrenceStore(syncSchedule);
    const o = occurrence({ reference: 'OC-FIRE', category: 'FIRE_BUILDING', lead: 'FIRE', status: 'ACKNOWLEDGED', assignments: [assignment({ department: 'FIRE', state: 'ACKNOWLEDGED' })] });
    store.finishSnapshot([o]);
    const units = new UnitStore(syncSchedule);
    const vuci = unit({ callsign: 'VUCI 01', status: 'DISPATCHED', occurrence: { id: o.id, reference: o.reference } });
    units.load([vuci, unit({ callsign: 'VUCI 02' })]);
    const detail = { ...o, units: [unitAssignment(vuci, { onSceneProposedAt: '2026-11-27T10:04:30.000Z' })], routing: {}, override: null, timeline: [] } as unknown as OccurrenceDetail;
    const get = vi.fn(async (path: string) => (path === `/occurrences/${o.id}` ? detail : []));
    const post = vi.fn().mockResolvedValue({});
    const api = { get, post } as unknown as ApiClient;
    renderWithConsole(<DepartmentView api={api} department="FIRE" />, { api, store, units });
    const card = screen.getByTestId('assignment-card');
    expect(screen.getByTestId('department-units')).toHaveTextContent('Meios do departamento (2) · 1 disponíveis');
    const confirm = await within(card).findByRole('button', { name: 'Confirmar no local' });
    expect(within(card).getByTestId('on-scene-proposed')).toHaveTextContent('Chegada detetada');
    await userEvent.click(confirm);
    expect(post).toHaveBeenCalledWith(`/occurrences/${o.id}/units/a-${vuci.id}/on-scene`, {});
  });
});
