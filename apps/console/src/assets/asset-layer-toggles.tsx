import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { ASSET_LAYERS, type AssetLayer } from '@cgi/shared';
import { ASSET_LAYER_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useStoreRevision } from '../live/live-context';
import type { AssetStore } from './asset-store';
import { parseLayers, serializeLayers } from './asset-style';

const STORAGE_KEY = 'cgi.assetLayers.';

/** The asset layers shown on this screen (remembered per screen: the videowall and a workstation differ). */
export function useAssetLayers(screen: 'videowall' | 'workstation', fallback: readonly AssetLayer[] = ASSET_LAYERS): [ReadonlySet<AssetLayer>, (layer: AssetLayer) => void] {
  const key = `${STORAGE_KEY}${screen}`;
  const [layers, setLayers] = useState<ReadonlySet<AssetLayer>>(() => parseLayers(localStorage.getItem(key), fallback));
  const toggle = useCallback(
    (layer: AssetLayer) =>
      setLayers((cur) => {
        const next = new Set(cur);
        if (next.has(layer)) next.delete(layer);
        else next.add(layer);
        localStorage.setItem(key, serializeLayers(next));
        return next;
      }),
    [key],
  );
  return [layers, toggle];
}

/** One checkbox per asset layer, with how many there are and how many are not OK. */
export function AssetLayerToggles({ assets, visible, onToggle, className = '' }: { assets: AssetStore; visible: ReadonlySet<AssetLayer>; onToggle: (l: AssetLayer) => void; className?: string }): ReactNode {
  const { t, label } = useI18n();
  const revision = useStoreRevision(assets, 1000);
  const counts = useMemo(() => {
    void revision;
    return assets.countByLayer();
  }, [assets, revision]);
  return (
    <fieldset className={`asset-toggles ${className}`} data-testid="asset-toggles">
      <legend>{t('assetLayers')}</legend>
      {ASSET_LAYERS.map((l) => (
        <label key={l} className="asset-toggles__item">
          <input type="checkbox" checked={visible.has(l)} onChange={() => onToggle(l)} data-layer={l} />
          <span className={`asset-toggles__symbol asset-toggles__symbol--${l.toLowerCase()}`} aria-hidden="true" />
          {label(ASSET_LAYER_LABELS, l)}
          <span className="muted">
            ({counts[l].total}
            {counts[l].notOk ? (
              <b className="asset-toggles__bad">
                {' '}
                · {counts[l].notOk} {t('notOk')}
              </b>
            ) : null}
            )
          </span>
        </label>
      ))}
    </fieldset>
  );
}
