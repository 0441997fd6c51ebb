import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { UnitDetail, UnitTrail } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { describeError } from '../common/describe-error';
import { useToasts } from '../common/toasts';
import { DEPARTMENT_LABELS, EVENT_LABELS, UNIT_KIND_LABELS, UNIT_REASON_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useLive, useStoreRevision } from '../live/live-context';
import { formatDistance, formatEta, getTrail, getUnit, setAvailability } from './units-api';
import { StaleBadge, UnitStatusBadge } from './unit-badges';
import { UnitForm } from './unit-form';
import { unitPayload } from './unit-store';

/**
 * One unit: status, last fix, current occurrence, crew (when the API sends it), recent assignments,
 * availability, and its trail on the map (GET /units/:id/trail, then extended by live positions).
 */
export function UnitDetailPanel({
  api,
  id,
  onClose,
  onSelectOccurrence,
  onTrail,
  canChangeAvailability = true,
  canManage = false,
  showTrail = true,
}: {
  api: ApiClient;
  id: string;
  onClose: () => void;
  onSelectOccurrence?: (id: string) => void;
  onTrail: (trail: UnitTrail | null) => void;
  canChangeAvailability?: boolean;
  /** ADMIN, or the department's supervisor: edit and retire. */
  canManage?: boolean;
  /** False where there is no map (the department view). */
  showTrail?: boolean;
}): ReactNode {
  const { t, label, time, lang } = useI18n();
  const { units, onEvent } = useLive();
  const { push } = useToasts();
  const revision = useStoreRevision(units);
  const [d, setD] = useState<UnitDetail | null>(null);
  const [trail, setTrail] = useState<UnitTrail | null>(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const [askReason, setAskReason] = useState(false);
  const [editing, setEditing] = useState(false);
  const [retiring, setRetiring] = useState(false);

  const load = useCallback(async () => {
    try {
      const next = await getUnit(api, id);
      setD(next);
      units.put(next);
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
    }
  }, [api, id, units, push, t]);

  useEffect(() => {
    setD(null);
    void load();
  }, [load]);
  useEffect(() => onEvent((e) => (unitPayload(e)?.unit.id === id ? void load() : undefined)), [onEvent, id, load]);
  // The trail belongs to this panel: gone from the map when it closes.
  useEffect(() => () => onTrail(null), [onTrail]);

  // Live: the unit's newest fix (the store moves with the feed), appended to the trail when shown.
  const live = units.get(id);
  useEffect(() => {
    void revision;
    const p = live?.position;
    if (!trail || !p) return;
    const last = trail.points[trail.points.length - 1];
    if (last && Date.parse(last.at) >= Date.parse(p.at)) return;
    const next = { ...trail, to: p.at, points: [...trail.points, p] };
    setTrail(next);
    onTrail(next);
  }, [revision, live, trail, onTrail]);

  const toggleTrail = async (): Promise<void> => {
    if (trail) {
      setTrail(null);
      onTrail(null);
      return;
    }
    try {
      const got = await getTrail(api, id);
      setTrail(got);
      onTrail(got);
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
    }
  };

  const availability = async (available: boolean): Promise<void> => {
    if (!d) return;
    setBusy(true);
    try {
      const next = await setAvailability(api, live ?? d, available, available ? undefined : reason.trim());
      units.put(next);
      setAskReason(false);
      setReason('');
      await load();
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  const retire = async (): Promise<void> => {
    setBusy(true);
    try {
      await api.request<void>('DELETE', `/units/${id}`);
      units.remove(id);
      push(`${t('unitRetired')}: ${d?.callsign ?? ''}`, 'success');
      onClose();
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  if (!d) return <aside className="detail" aria-busy="true">{t('loading')}</aside>;
  const u = { ...d, ...(live ? { status: live.status, position: live.position, stale: live.stale, occurrence: live.occurrence, unavailableReason: live.unavailableReason, version: live.version } : {}) };
  const p = u.position;
  return (
    <aside className="detail unit-detail" aria-label={u.callsign} data-testid="unit-detail" data-unit={u.code}>
      <header className="detail__head">
        <h2>
          {u.callsign} <UnitStatusBadge status={u.status} /> <StaleBadge unit={u} />
        </h2>
        <button type="button" className="btn btn--ghost" onClick={onClose} aria-label={t('back')}>
          ✕
        </button>
      </header>
      <p className="detail__meta">
        <b>{u.code}</b> · {label(UNIT_KIND_LABELS, u.kind)} · {label(DEPARTMENT_LABELS, u.department)}
        {u.synthetic ? ` · ${t('synthetic')}` : ''}
      </p>
      <dl className="facts">
        <dt>{t('currentOccurrence')}</dt>
        <dd>
          {u.occurrence ? (
            onSelectOccurrence ? (
              <button type="button" className="link" onClick={() => u.occurrence && onSelectOccurrence(u.occurrence.id)}>
                {u.occurrence.reference}
              </button>
            ) : (
              u.occurrence.reference
            )
          ) : (
            t('none')
          )}
        </dd>
        {u.status === 'UNAVAILABLE' ? (
          <>
            <dt>{t('unavailableReason')}</dt>
            <dd>{u.unavailableReason ?? t('none')}</dd>
          </>
        ) : null}
        <dt>{t('lastFix')}</dt>
        <dd>{p ? `${time(p.at)} · ${p.lat.toFixed(5)}, ${p.lon.toFixed(5)}` : t('none')}</dd>
        <dt>{t('speed')}</dt>
        <dd>{p?.speedKmh != null ? `${Math.round(p.speedKmh)} km/h` : t('none')}</dd>
        <dt>{t('heading')}</dt>
        <dd>{p?.headingDeg != null ? `${Math.round(p.headingDeg)}°` : t('none')}</dd>
        <dt>{t('homeBase')}</dt>
        <dd>{u.homeBase.address ?? `${u.homeBase.lat.toFixed(5)}, ${u.homeBase.lon.toFixed(5)}`}</dd>
        {u.crew ? (
          <>
            <dt>{t('crew')}</dt>
            <dd data-testid="unit-crew">{u.crew.length ? u.crew.join(', ') : t('none')}</dd>
          </>
        ) : null}
      </dl>
      <div className="detail__actions">
        {showTrail ? (
          <button type="button" className="btn" onClick={() => void toggleTrail()} aria-pressed={trail !== null} data-testid="unit-trail-toggle">
            {trail ? t('hideTrail') : t('showTrail')}
          </button>
        ) : null}
        {canManage && !editing ? (
          <button type="button" className="btn" onClick={() => setEditing(true)}>
            {t('edit')}
          </button>
        ) : null}
        {canManage && !retiring && (u.status === 'AVAILABLE' || u.status === 'UNAVAILABLE') ? (
          <button type="button" className="btn btn--ghost" onClick={() => setRetiring(true)}>
            {t('retireUnit')}
          </button>
        ) : null}
        {canChangeAvailability && u.status === 'UNAVAILABLE' ? (
          <button type="button" className="btn" disabled={busy} onClick={() => void availability(true)}>
            {t('setAvailable')}
          </button>
        ) : null}
        {canChangeAvailability && u.status === 'AVAILABLE' && !askReason ? (
          <button type="button" className="btn" disabled={busy} onClick={() => setAskReason(true)}>
            {t('setUnavailable')}
          </button>
        ) : null}
      </div>
      {retiring ? (
        <div className="confirm" role="group" aria-label={t('retireUnit')}>
          <p>{t('confirmRetire')} {u.callsign}?</p>
          <div className="detail__actions">
            <button type="button" className="btn btn--danger" disabled={busy} onClick={() => void retire()}>
              {t('retireUnit').replace('…', '')}
            </button>
            <button type="button" className="btn btn--ghost" onClick={() => setRetiring(false)}>
              {t('back')}
            </button>
          </div>
        </div>
      ) : null}
      {editing ? (
        <UnitForm
          api={api}
          unit={d}
          onCancel={() => setEditing(false)}
          onDone={(saved) => {
            units.put(saved);
            setEditing(false);
            void load();
          }}
        />
      ) : null}
      {trail ? (
        <p className="muted" data-testid="unit-trail-info">
          {trail.points.length ? `${t('trail')}: ${trail.points.length} ${t('trailPoints')} · ${time(trail.points[0].at)}–${time(trail.points[trail.points.length - 1].at)}` : t('noTrail')}
        </p>
      ) : null}
      {askReason ? (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void availability(false);
          }}
        >
          <label>
            {t('unavailableReason')}
            <input required minLength={3} maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
          </label>
          <div className="detail__actions">
            <button type="submit" className="btn btn--primary" disabled={busy || reason.trim().length < 3}>
              {t('setUnavailable').replace('…', '')}
            </button>
            <button type="button" className="btn btn--ghost" onClick={() => setAskReason(false)}>
              {t('back')}
            </button>
          </div>
        </form>
      ) : null}
      <section>
        <h3>{t('recentAssignments')}</h3>
        {d.assignments.length === 0 ? <p className="muted">{t('none')}</p> : null}
        <ol className="timeline" data-testid="unit-assignments">
          {d.assignments.map((a) => (
            <li key={a.id}>
              <time>{time(a.dispatchedAt)}</time> <b>{a.occurrenceReference}</b>
              {a.dispatchDistanceMeters != null ? ` · ${formatDistance(a.dispatchDistanceMeters, lang)}` : ''}
              {a.dispatchEtaSeconds != null ? ` · ${t('etaShort')} ${formatEta(a.dispatchEtaSeconds)}` : ''}
              {a.onSceneAt ? ` · ${label(EVENT_LABELS, 'UNIT_ON_SCENE')} ${time(a.onSceneAt)}` : ''}
              {a.releasedAt ? ` · ${t('releasedAt')} ${time(a.releasedAt)}${a.releasedReason ? ` (${label(UNIT_REASON_LABELS, a.releasedReason)})` : ''}` : ''}
            </li>
          ))}
        </ol>
      </section>
    </aside>
  );
}

