import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AssetDetail, AssetOccurrenceView } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { OccurrenceStore } from '../live/occurrence-store';
import { asset, syncSchedule } from '../testing/fixtures';
import { renderWithConsole } from '../testing/render';
import { AssetDetailPanel, splitOccurrences } from './asset-detail';
import { AssetStore } from './asset-store';

let n = 0;
const occ = (over: Partial<AssetOccurrenceView>): AssetOccurrenceView => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  reference: 'OC-2026-000001',
  category: 'TRAFFIC_LIGHT_FAULT',
  priority: 'P3',
  status: 'DISPATCHED',
  createdAt: '2026-11-27T10:00:00.000Z',
  reportCount: 1,
  ...over,
});

describe('splitOccurrences', () => {
  it('puts the open ones apart from the past ones, newest first in each', () => {
    const a = occ({ reference: 'A', status: 'CLOSED', createdAt: '2026-11-01T10:00:00.000Z' });
    const b = occ({ reference: 'B', status: 'DISPATCHED', createdAt: '2026-11-20T10:00:00.000Z' });
    const c = occ({ reference: 'C', status: 'CANCELLED', createdAt: '2026-11-10T10:00:00.000Z' });
    const d = occ({ reference: 'D', status: 'NEW', createdAt: '2026-11-27T10:00:00.000Z' });
    const { open, past } = splitOccurrences([a, b, c, d]);
    expect(open.map((o) => o.reference)).toEqual(['D', 'B']);
    expect(past.map((o) => o.reference)).toEqual(['C', 'A']);
  });
});

describe('AssetDetailPanel', () => {
  it('shows the open and past occurrences, opens one, and reads the detail again when the feed brings a newer version', async () => {
    const base = asset({ kind: 'TRAFFIC_LIGHT', code: 'SEM-07', name: 'Semáforo Boavista', camera: null, status: 'FAULT', statusReason: 'Sem energia' });
    const open = occ({ reference: 'OC-2026-000010', reportCount: 3 });
    const past = occ({ reference: 'OC-2026-000002', status: 'RESOLVED', createdAt: '2026-10-02T10:00:00.000Z' });
    let current: AssetDetail = { ...base, openOccurrence: { id: open.id, reference: open.reference }, statusHistory: [{ status: 'FAULT', at: '2026-11-27T10:00:00.000Z', reason: 'Sem energia', source: 'PLATFORM' }], occurrences: [past, open] };
    const get = vi.fn(async (path: string) => (path === `/assets/${base.id}` ? current : { items: [], nextCursor: null }));
    const api = { get, post: vi.fn() } as unknown as ApiClient;
    const assets = new AssetStore(syncSchedule);
    const onSelectOccurrence = vi.fn();
    renderWithConsole(<AssetDetailPanel api={api} id={base.id} onClose={vi.fn()} onSelectOccurrence={onSelectOccurrence} />, { api, store: new OccurrenceStore(syncSchedule), assets });
    const openList = await screen.findByTestId('asset-open-occurrences');
    expect(within(openList).getByRole('listitem')).toHaveTextContent('3 relatos de avaria');
    expect(within(screen.getByTestId('asset-past-occurrences')).getByRole('listitem')).toHaveTextContent('OC-2026-000002');
    expect(screen.getByTestId('asset-history')).toHaveTextContent('Avaria · Plataforma Urbana · Sem energia');
    await userEvent.click(within(openList).getByRole('button', { name: 'OC-2026-000010' }));
    expect(onSelectOccurrence).toHaveBeenCalledWith(open.id);

    // Back to OK on the feed: the panel reads the asset again.
    current = { ...current, status: 'OK', version: 2, statusReason: null, statusHistory: [{ status: 'OK', at: '2026-11-27T11:00:00.000Z', reason: null, source: 'PLATFORM' }, ...current.statusHistory] };
    act(() => void assets.apply({ assets: [{ ...base, status: 'OK', version: 2 }] }));
    await waitFor(() => expect(get.mock.calls.filter(([p]) => p === `/assets/${base.id}`).length).toBe(2));
    await waitFor(() => expect(screen.getByTestId('asset-detail').querySelector('h2 [data-status]')).toHaveAttribute('data-status', 'OK'));
  });
});
