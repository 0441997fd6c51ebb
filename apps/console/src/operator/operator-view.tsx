import { useCallback, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { OccurrenceView, Role, UnitTrail } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { PublicAlertsPanel } from '../alerts/public-alerts';
import { useReference } from '../api/reference';
import { AssetDetailPanel } from '../assets/asset-detail';
import { AssetLayerToggles, useAssetLayers } from '../assets/asset-layer-toggles';
import { sortByUrgency } from '../common/urgency';
import { useI18n } from '../i18n/i18n';
import { useLive, useNow, useStoreRevision } from '../live/live-context';
import { CityMap } from '../map/city-map';
import type { ConsoleConfig } from '../map/console-config';
import { UnitDetailPanel } from '../units/unit-detail';
import { UnitForm } from '../units/unit-form';
import { UnitsPanel } from '../units/units-panel';
import { IntakeForm } from './intake-form';
import { LevelControls } from './level-controls';
import { OccurrenceDetailPanel } from './occurrence-detail';
import { OccurrenceList } from './occurrence-list';

type Tab = 'intake' | 'triage' | 'occurrences' | 'units' | 'levels' | 'alerts';
// Units between the queue and the occurrences: arrows and End still reach the others where they were.
const TABS: Tab[] = ['intake', 'triage', 'units', 'occurrences', 'levels', 'alerts'];
const LIST_LIMIT = 200;

/** The operator workstation: intake, triage queue, occurrences, detail and operational levels, beside the map. */
export function OperatorView({ api, config, role }: { api: ApiClient; config: ConsoleConfig; role: Role }): ReactNode {
  const supervisor = role === 'CGI_SUPERVISOR';
  const { t } = useI18n();
  const { store, units, assets } = useLive();
  const { categories, parishes, levelByScope } = useReference();
  const revision = useStoreRevision(store);
  const now = useNow(1000);
  const [tab, setTab] = useState<Tab>('intake');
  const [selected, setSelectedOccurrence] = useState<string | null>(null);
  const [selectedUnit, setSelectedUnitState] = useState<string | null>(null);
  /** Which detail the right column shows: the last one opened. */
  const [focus, setFocus] = useState<'occurrence' | 'unit' | 'new-unit' | 'asset'>('occurrence');
  const [selectedAsset, setSelectedAssetState] = useState<string | null>(null);
  const [assetLayers, toggleAssetLayer] = useAssetLayers('workstation');
  const admin = role === 'ADMIN';
  const [trail, setTrail] = useState<UnitTrail | null>(null);
  const [proposed, setProposed] = useState<string[]>([]);
  const setSelected = useCallback((id: string | null) => {
    setSelectedOccurrence(id);
    setFocus('occurrence');
  }, []);
  const setSelectedUnit = useCallback((id: string | null) => {
    setSelectedUnitState(id);
    setFocus(id ? 'unit' : 'occurrence');
    if (!id) setTrail(null);
  }, []);
  const setSelectedAsset = useCallback((id: string | null) => {
    setSelectedAssetState(id);
    setFocus(id ? 'asset' : 'occurrence');
  }, []);
  const [picked, setPicked] = useState<{ lat: number; lon: number } | null>(null);
  const [alertPick, setAlertPick] = useState<{ lat: number; lon: number } | null>(null);
  const [query, setQuery] = useState('');

  const { triage, open } = useMemo(() => {
    void revision;
    const all = sortByUrgency(store.list());
    const q = query.trim().toLowerCase();
    const match = (o: OccurrenceView): boolean => !q || o.reference.toLowerCase().includes(q) || (o.location.address ?? '').toLowerCase().includes(q) || o.category.toLowerCase().includes(q);
    return {
      triage: all.filter((o) => o.status === 'NEW' || o.status === 'TRIAGED'),
      open: all.filter(match).slice(0, LIST_LIMIT),
    };
  }, [store, revision, query]);

  const labels: Record<Tab, string> = { intake: t('intake'), triage: `${t('triageQueue')} (${triage.length})`, occurrences: `${t('occurrences')} (${store.size})`, units: t('units'), levels: t('levels'), alerts: t('alertsTab') };
  // WAI-ARIA tabs: arrows (and Home/End) select the next tab and move the focus with it (roving tabindex).
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>): void => {
    const i = TABS.indexOf(tab);
    const next = { ArrowRight: TABS[(i + 1) % TABS.length], ArrowLeft: TABS[(i + TABS.length - 1) % TABS.length], Home: TABS[0], End: TABS[TABS.length - 1] }[e.key];
    if (!next) return;
    e.preventDefault();
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  return (
    <main className="workstation" data-testid="workstation">
      <section className="ws-left">
        <div role="tablist" aria-label={t('viewWorkstation')} className="tabs">
          {TABS.map((k) => (
            <button key={k} type="button" role="tab" id={`tab-${k}`} aria-selected={tab === k} aria-controls={`panel-${k}`} tabIndex={tab === k ? 0 : -1} onKeyDown={onTabKey} onClick={() => setTab(k)} className="tab">
              {labels[k]}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
          {tab === 'intake' ? <IntakeForm api={api} categories={categories} picked={picked} onPick={setPicked} onCreated={(d) => (store.put(d), setSelected(d.id))} /> : null}
          {tab === 'triage' ? <OccurrenceList items={triage} now={now} selected={selected} onSelect={setSelected} empty={t('emptyQueue')} testId="triage-queue" /> : null}
          {tab === 'occurrences' ? (
            <>
              <label className="search">
                {t('search')}
                <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
              </label>
              <OccurrenceList items={open} now={now} selected={selected} onSelect={setSelected} empty={t('none')} testId="occurrence-list" />
            </>
          ) : null}
          {tab === 'units' ? <UnitsPanel units={units} selected={selectedUnit} onSelect={setSelectedUnit} onNew={admin ? () => setFocus('new-unit') : undefined} /> : null}
          {tab === 'levels' ? <LevelControls api={api} canEdit={supervisor} /> : null}
          {tab === 'alerts' ? <PublicAlertsPanel api={api} canIssue={supervisor || admin} occurrences={open} picked={alertPick} /> : null}
        </div>
      </section>
      <section className="ws-map">
        <CityMap
          config={config}
          store={store}
          parishes={parishes}
          levels={levelByScope}
          variant="workstation"
          label={t('location')}
          onSelect={tab === 'intake' || tab === 'alerts' ? undefined : setSelected}
          onPick={tab === 'intake' ? (lat, lon) => setPicked({ lat, lon }) : tab === 'alerts' ? (lat, lon) => setAlertPick({ lat, lon }) : undefined}
          picked={tab === 'intake' ? picked : null}
          highlight={selected}
          units={units}
          onSelectUnit={tab === 'intake' ? undefined : setSelectedUnit}
          unitHighlight={selectedUnit}
          labelledUnits={proposed}
          trail={trail}
          assets={assets}
          assetLayers={assetLayers}
          onSelectAsset={tab === 'intake' ? undefined : setSelectedAsset}
          assetHighlight={focus === 'asset' ? selectedAsset : null}
        />
        <AssetLayerToggles assets={assets} visible={assetLayers} onToggle={toggleAssetLayer} className="asset-toggles--map" />
      </section>
      {focus === 'new-unit' ? (
        <section className="ws-detail">
          <div className="detail">
            <UnitForm
              api={api}
              onCancel={() => setFocus('occurrence')}
              onDone={(u) => {
                units.put(u);
                setSelectedUnit(u.id);
              }}
            />
          </div>
        </section>
      ) : focus === 'asset' && selectedAsset ? (
        <section className="ws-detail">
          <AssetDetailPanel key={selectedAsset} api={api} id={selectedAsset} onClose={() => setSelectedAsset(null)} onSelectOccurrence={setSelected} />
        </section>
      ) : focus === 'unit' && selectedUnit ? (
        <section className="ws-detail">
          <UnitDetailPanel key={selectedUnit} api={api} id={selectedUnit} onClose={() => setSelectedUnit(null)} onSelectOccurrence={setSelected} onTrail={setTrail} canManage={admin} />
        </section>
      ) : selected ? (
        <section className="ws-detail">
          <OccurrenceDetailPanel key={selected} api={api} id={selected} role={role} onClose={() => setSelected(null)} onSelect={setSelected} onSelectUnit={setSelectedUnit} onProposals={setProposed} onSelectAsset={setSelectedAsset} />
        </section>
      ) : null}
    </main>
  );
}
