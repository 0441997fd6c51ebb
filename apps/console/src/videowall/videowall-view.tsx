import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ASSET_STATUSES, UNIT_STATUSES, type OccurrenceView } from '@cgi/shared';
import { AlertsStrip } from '../alerts/public-alerts';
import { useReference } from '../api/reference';
import { AssetLayerToggles, useAssetLayers } from '../assets/asset-layer-toggles';
import { ASSET_STATUS_STYLE } from '../assets/asset-style';
import { sounds } from '../common/alarm';
import { levelRank, mostUrgent } from '../common/urgency';
import { ASSET_STATUS_LABELS, DEPARTMENT_LABELS, LEVEL_LABELS, UNIT_DEPARTMENT_LETTER, UNIT_STATUS_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useLive, useNow } from '../live/live-context';
import { CityMap } from '../map/city-map';
import type { ConsoleConfig } from '../map/console-config';
import { GLYPH_LEGEND, PRIORITY_STYLE } from '../map/marker-style';
import { UNIT_DEPARTMENT_COLOR, UNIT_STALE_STYLE, UNIT_STATUS_STYLE } from '../map/unit-style';
import { EventTicker } from './event-ticker';
import { KpiTiles } from './kpi-tiles';
import { computeKpis, startOfTodayLisbon } from './kpis';
import { UnitStatusTable } from './unit-status-table';
import { UrgentList } from './urgent-list';

const URGENT_COUNT = 8;
const MUTE_KEY = 'cgi.videowall.muted';

/**
 * The videowall: no interaction needed. React redraws the panels once a second from the store;
 * the map's canvas layer follows the store on its own, frame by frame.
 */
export function VideowallView({ config }: { config: ConsoleConfig }): ReactNode {
  const { t, lang, label, time } = useI18n();
  const { store, units, assets } = useLive();
  const [assetLayers, toggleAssetLayer] = useAssetLayers('videowall');
  const { parishes, levelByScope } = useReference();
  const now = useNow(1000);
  const [muted, setMuted] = useState(() => localStorage.getItem(MUTE_KEY) === '1');
  const [alarm, setAlarm] = useState<OccurrenceView | null>(null);
  const mutedRef = useRef(muted);
  mutedRef.current = muted;
  const levelsSeen = useRef(new Map<string, number>());
  useEffect(() => sounds.prepare(), []);

  const { kpis, urgent, fleet } = useMemo(() => {
    const open = store.list();
    const kpis = computeKpis(open, store.departedList(), now, startOfTodayLisbon(now));
    const urgent = mostUrgent(open, URGENT_COUNT);
    return { kpis, urgent, fleet: units.list() };
    // Recomputed every second (now), whatever the rate of events.
  }, [store, units, now]);

  // The audible alarm on L2 and above: when an occurrence reaches L2/L3 (not on the first load).
  useEffect(() => {
    const seen = levelsSeen.current;
    let raised: OccurrenceView | null = null;
    store.forEachOpen((o) => {
      const r = levelRank(o.escalationLevel);
      const before = seen.get(o.id);
      if (store.loaded && before !== undefined && r >= 2 && r > before) raised = o;
      if (store.loaded && before === undefined && seen.size > 0 && r >= 2) raised = o;
      seen.set(o.id, r);
    });
    if (raised) {
      setAlarm(raised);
      if (!mutedRef.current) sounds.alarm();
    }
  }, [store, now]);

  const toggleMute = (): void => {
    localStorage.setItem(MUTE_KEY, muted ? '0' : '1');
    setMuted(!muted);
  };
  const city = levelByScope.CITY ?? 'NORMAL';

  return (
    <div className="videowall" data-testid="videowall">
      <header className="vw-header">
        <h1>{t('appTitle')}</h1>
        <span className={`level-chip level-chip--${city.toLowerCase()}`} data-testid="city-level">
          {t('city')}: {label(LEVEL_LABELS, city).toUpperCase()}
        </span>
        {alarm && levelRank(alarm.escalationLevel) >= 2 && now - Date.parse(alarm.updatedAt) < 5 * 60_000 ? (
          <span className="vw-alarm" role="alert">
            ▲ {alarm.escalationLevel} · {alarm.reference}
          </span>
        ) : null}
        <button type="button" className="btn btn--ghost" onClick={toggleMute} aria-pressed={muted}>
          {muted ? `✕ ${t('unmute')}` : `♪ ${t('mute')}`}
        </button>
        <time className="vw-clock">{time(new Date(now).toISOString())}</time>
      </header>
      <main className="vw-main">
        <div className="vw-map">
          <CityMap config={config} store={store} parishes={parishes} levels={levelByScope} variant="videowall" label={t('viewVideowall')} units={units} assets={assets} assetLayers={assetLayers} />
          <AssetLayerToggles assets={assets} visible={assetLayers} onToggle={toggleAssetLayer} className="asset-toggles--map" />
          <div className="legend" aria-label={t('legend')}>
            {(['P1', 'P2', 'P3', 'P4'] as const).map((p) => (
              <span key={p} className="legend__item">
                <span className={`legend__shape legend__shape--${PRIORITY_STYLE[p].shape}`} style={{ color: PRIORITY_STYLE[p].color }} /> {p}
              </span>
            ))}
            {GLYPH_LEGEND.map((g) => (
              <span key={g.glyph} className="legend__item">
                <b>{g.glyph}</b> {g[lang]}
              </span>
            ))}
            <UnitLegend />
            <div className="legend__units" data-testid="asset-legend">
              <b>{t('assetsLegend')}:</b>
              <AssetStatusLegend />
            </div>
            {!config.tileUrl ? <span className="legend__item muted">{t('offlineMap')}</span> : null}
          </div>
        </div>
        <aside className="vw-side">
          <AlertsStrip />
          <KpiTiles kpis={kpis} />
          <UnitStatusTable units={fleet} />
          <UrgentList items={urgent} now={now} />
        </aside>
      </main>
      <footer className="vw-footer">
        <EventTicker events={store.events} />
      </footer>
    </div>
  );
}

/** The assets' status colours and marks (their shapes are in the toggles). */
function AssetStatusLegend(): ReactNode {
  const { label } = useI18n();
  return (
    <>
      {ASSET_STATUSES.map((s) => (
        <span key={s} className="legend__item">
          <span className="legend__asset" style={{ background: ASSET_STATUS_STYLE[s].fill, color: ASSET_STATUS_STYLE[s].text }}>
            {ASSET_STATUS_STYLE[s].mark ?? ''}
          </span>{' '}
          {label(ASSET_STATUS_LABELS, s)}
        </span>
      ))}
    </>
  );
}

/** The units' plates: status by colour (and word), department by letter (and its colour). */
function UnitLegend(): ReactNode {
  const { t, label, lang } = useI18n();
  return (
    <span className="legend__units" data-testid="unit-legend">
      <b>{t('unitsLegend')}:</b>
      {UNIT_STATUSES.map((s) => (
        <span key={s} className="legend__item">
          <span className="legend__plate" style={{ background: UNIT_STATUS_STYLE[s].fill }} /> {label(UNIT_STATUS_LABELS, s)}
        </span>
      ))}
      <span className="legend__item">
        <span className="legend__plate legend__plate--stale" style={{ background: UNIT_STALE_STYLE.fill }} /> {t('staleShort')}
      </span>
      {(['FIRE', 'POLICE', 'CIVIL_PROTECTION', 'MOBILITY', 'ENVIRONMENT'] as const).map((d) => (
        <span key={d} className="legend__item">
          <b className="legend__letter" style={{ color: UNIT_DEPARTMENT_COLOR[d] }}>
            {UNIT_DEPARTMENT_LETTER[d][lang]}
          </b>{' '}
          {label(DEPARTMENT_LABELS, d)}
        </span>
      ))}
    </span>
  );
}
