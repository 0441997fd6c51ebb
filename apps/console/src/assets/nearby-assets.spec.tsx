import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { NearbyAssetView } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { OccurrenceStore } from '../live/occurrence-store';
import { asset, syncSchedule } from '../testing/fixtures';
import { renderWithConsole } from '../testing/render';
import { AssetStore } from './asset-store';
import { NearbyAssets } from './nearby-assets';

const OCC = '00000000-0000-4000-8000-000000000123';

function setup(items: NearbyAssetView[], onSelectAsset = vi.fn()) {
  const get = vi.fn(async (path: string) => {
    if (path === `/occurrences/${OCC}/assets`) return { items };
    return { items: [], nextCursor: null };
  });
  const api = { get, post: vi.fn() } as unknown as ApiClient;
  const assets = new AssetStore(syncSchedule);
  renderWithConsole(<NearbyAssets api={api} occurrenceId={OCC} onSelectAsset={onSelectAsset} />, { api, store: new OccurrenceStore(syncSchedule), assets });
  return { assets, onSelectAsset };
}

describe('NearbyAssets', () => {
  it('lists cameras first with their snapshot link, then the others by distance', async () => {
    const light = asset({ kind: 'TRAFFIC_LIGHT', code: 'SEM-01', name: 'Semáforo Aliados', camera: null });
    const cam = asset({ code: 'CAM-01', name: 'Câmara Aliados', camera: { snapshotUrl: 'https://cameras.example.org/1.jpg', streamUrl: 'javascript:alert(1)', directionDeg: 10 } });
    setup([
      { asset: light, distanceMeters: 40 },
      { asset: cam, distanceMeters: 180 },
    ]);
    const list = await screen.findAllByRole('listitem');
    expect(list.map((li) => li.getAttribute('data-asset'))).toEqual(['CAM-01', 'SEM-01']);
    const snapshot = within(list[0]).getByRole('link', { name: /Imagem da câmara/ });
    expect(snapshot).toHaveAttribute('href', 'https://cameras.example.org/1.jpg');
    expect(snapshot).toHaveAttribute('rel', 'noopener noreferrer');
    // A stream URL that is not http(s) is not a link.
    expect(within(list[0]).queryByRole('link', { name: /Vídeo em direto/ })).toBeNull();
    expect(list[0]).toHaveTextContent('180 m');
    expect(within(list[1]).queryByRole('link')).toBeNull();
  });

  it('follows a status change from the feed, and opens an asset', async () => {
    const light = asset({ kind: 'TRAFFIC_LIGHT', code: 'SEM-02', name: 'Semáforo Bolhão', camera: null });
    const { assets, onSelectAsset } = setup([{ asset: light, distanceMeters: 60 }]);
    const item = await screen.findByRole('listitem');
    expect(within(item).getByText('Operacional')).toBeInTheDocument();
    act(() => void assets.apply({ assets: [{ ...light, status: 'FAULT', version: 2 }] }));
    await waitFor(() => expect(within(item).getByText('Avaria')).toBeInTheDocument());
    await userEvent.click(within(item).getByRole('button', { name: 'Semáforo Bolhão' }));
    expect(onSelectAsset).toHaveBeenCalledWith(light.id);
  });

  it('says so when there is nothing near', async () => {
    setup([]);
    expect(await screen.findByText('Nenhum equipamento nas proximidades')).toBeInTheDocument();
  });
});
