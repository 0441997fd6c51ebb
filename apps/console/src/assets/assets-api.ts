import type { AssetDetail, AssetView, NearbyAssetView, Page } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';

/** The assets API as the console uses it (docs/api.md "Assets"). Every logged-in role may read them. */
export async function listAssets(api: ApiClient): Promise<AssetView[]> {
  return (await api.get<Page<AssetView>>('/assets')).items;
}

export function getAsset(api: ApiClient, id: string): Promise<AssetDetail> {
  return api.get<AssetDetail>(`/assets/${id}`);
}

/** The assets within the rule set's radius of an occurrence (cameras first, then by distance), scoped like the occurrence. */
export async function nearbyAssets(api: ApiClient, occurrenceId: string): Promise<NearbyAssetView[]> {
  return (await api.get<{ items: NearbyAssetView[] }>(`/occurrences/${occurrenceId}/assets`)).items;
}
