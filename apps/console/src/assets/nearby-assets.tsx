import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { ASSET_LAYER_OF, type NearbyAssetView } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { describeError } from '../common/describe-error';
import { ASSET_KIND_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useLive, useStoreRevision } from '../live/live-context';
import { formatDistance } from '../units/units-api';
import { AssetStatusBadge, CameraLinks } from './asset-badges';
import { orderNearby } from './asset-style';
import { nearbyAssets } from './assets-api';

/**
 * The cameras and other assets near an occurrence (the rule set's radius, 300 m): cameras first with
 * their snapshot (and stream) link, then the others by distance; each one's status followed live.
 */
export function NearbyAssets({ api, occurrenceId, onSelectAsset }: { api: ApiClient; occurrenceId: string; onSelectAsset?: (id: string) => void }): ReactNode {
  const { t, label, lang } = useI18n();
  const { assets } = useLive();
  const revision = useStoreRevision(assets);
  const [items, setItems] = useState<NearbyAssetView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let gone = false;
    setItems(null);
    nearbyAssets(api, occurrenceId).then(
      (got) => !gone && setItems(got),
      (e: unknown) => !gone && setError(describeError(e)),
    );
    return () => {
      gone = true;
    };
  }, [api, occurrenceId]);

  // The live status (the store has the newer version when the feed brought one).
  const shown = useMemo(() => {
    void revision;
    return orderNearby(items ?? []).map((n) => {
      const live = assets.get(n.asset.id);
      return live && live.version > n.asset.version ? { ...n, asset: live } : n;
    });
  }, [items, assets, revision]);

  return (
    <section data-testid="nearby-assets">
      <h3>{t('nearbyAssets')}</h3>
      {error ? <p className="muted">{`${t('error')}: ${error}`}</p> : null}
      {items === null && !error ? <p className="muted">{t('loading')}</p> : null}
      {items !== null && items.length === 0 ? <p className="muted">{t('noNearbyAssets')}</p> : null}
      <ul className="nearby">
        {shown.map(({ asset: a, distanceMeters }) => {
          return (
            <li key={a.id} className={`nearby__item nearby__item--${a.status.toLowerCase()}`} data-asset={a.code} data-kind={a.kind}>
              <div className="nearby__head">
                <span className={`asset-toggles__symbol asset-toggles__symbol--${ASSET_LAYER_OF[a.kind].toLowerCase()}`} aria-hidden="true" />
                {onSelectAsset ? (
                  <button type="button" className="link" onClick={() => onSelectAsset(a.id)}>
                    {a.name}
                  </button>
                ) : (
                  <b>{a.name}</b>
                )}
                <AssetStatusBadge status={a.status} />
                <span className="nearby__distance">{formatDistance(distanceMeters, lang)}</span>
              </div>
              <div className="nearby__meta muted">
                {label(ASSET_KIND_LABELS, a.kind)} · {a.code}
                {a.openOccurrence ? ` · ${t('assetOccurrence')} ${a.openOccurrence.reference}` : ''}
              </div>
              <CameraLinks camera={a.camera} className="nearby__links" small />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
