import { useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Department, OccurrenceStatus, OccurrenceView, UnitAssignmentView, UnitKindRule, UnitProposal, UnitView } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { UnitRulesContext } from '../api/reference';
import { describeError } from '../common/describe-error';
import { useToasts } from '../common/toasts';
import { DEPARTMENT_LABELS, UNIT_KIND_LABELS, UNIT_REASON_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useLive, useStoreRevision } from '../live/live-context';
import { StaleBadge, UnitStatusBadge } from './unit-badges';
import { isUnitEvent } from './unit-store';
import { assignUnits, confirmOnScene, formatDistance, formatEta, getProposals, releaseUnit } from './units-api';

/** Units can be assigned while the occurrence is dispatched, acknowledged or on scene. */
export const UNIT_ASSIGNABLE: readonly OccurrenceStatus[] = ['DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE'];
const PROPOSALS = 3;
/** Other occurrences' unit events change who is nearest: proposals are read again, at most this often. */
const PROPOSAL_RELOAD_MS = 1000;

/**
 * The kinds the occurrence's active departments (or one department) may send: the rule set's catalogue, and any
 * other kind their units have.
 */
export function kindsFor(o: OccurrenceView, catalogue: readonly UnitKindRule[], department?: Department, fleet: Iterable<UnitView> = []): string[] {
  const deps = new Set(o.assignments.filter((a) => a.state !== 'RELEASED' && (!department || a.department === department)).map((a) => a.department));
  const kinds = catalogue.filter((k) => k.departments.some((d) => deps.has(d))).map((k) => k.code);
  for (const u of fleet) if (deps.has(u.department) && !kinds.includes(u.kind)) kinds.push(u.kind);
  return kinds;
}

/**
 * The units of an occurrence: those assigned (status, distance and ETA at dispatch, the geofence's
 * on-scene proposal to confirm, release), and the nearest available ones proposed by the API (filter by
 * kind, assign). With `department` (the department view) only that department's units are acted on.
 */
export function OccurrenceUnits({
  api,
  occurrence: o,
  assignments,
  reload,
  department,
  onSelectUnit,
  canAssign = true,
  onProposals,
}: {
  api: ApiClient;
  occurrence: OccurrenceView;
  assignments: UnitAssignmentView[];
  reload: () => Promise<void>;
  department?: Department;
  onSelectUnit?: (id: string) => void;
  canAssign?: boolean;
  /** Told the proposed units (the map labels them). */
  onProposals?: (unitIds: string[]) => void;
}): ReactNode {
  const { t, label, time, lang } = useI18n();
  const { units, onEvent } = useLive();
  const { push } = useToasts();
  const revision = useStoreRevision(units);
  const [busy, setBusy] = useState(false);
  const [releasing, setReleasing] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [kind, setKind] = useState('');
  const [proposals, setProposals] = useState<UnitProposal[] | null>(null);
  const assignable = canAssign && UNIT_ASSIGNABLE.includes(o.status);
  const catalogue = useContext(UnitRulesContext).kinds;
  const kinds = kindsFor(o, catalogue, department, units.list());

  const loadProposals = useCallback(async () => {
    if (!assignable) return;
    try {
      setProposals(await getProposals(api, o.id, kind || undefined, PROPOSALS));
    } catch {
      setProposals([]);
    }
  }, [api, o.id, kind, assignable]);

  useEffect(() => {
    void loadProposals();
  }, [loadProposals, assignments]);
  useEffect(() => onProposals?.((proposals ?? []).map((p) => p.unit.id)), [proposals, onProposals]);
  useEffect(() => () => onProposals?.([]), [onProposals]);

  // Any unit event may change who is nearest and available (another operator's assignment elsewhere).
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const off = onEvent((e) => {
      if (!isUnitEvent(e) || pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        void loadProposals();
      }, PROPOSAL_RELOAD_MS);
    });
    return () => {
      off();
      if (pending.current) clearTimeout(pending.current);
      pending.current = null;
    };
  }, [onEvent, loadProposals]);

  const act = async (fn: () => Promise<unknown>, done?: string): Promise<void> => {
    setBusy(true);
    try {
      await fn();
      if (done) push(done, 'success');
      await reload();
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  void revision;
  const own = (dep: Department): boolean => !department || dep === department;
  const active = assignments.filter((a) => !a.releasedAt);
  const released = assignments.filter((a) => a.releasedAt);
  return (
    <section className="ounits" data-testid="occurrence-units">
      <h3>{t('assignedUnits')}</h3>
      {assignments.length === 0 ? <p className="muted">{t('noUnitsAssigned')}</p> : null}
      <ul className="ounits__list" data-testid="assigned-units">
        {[...active, ...released].map((a) => {
          const live = units.get(a.unitId);
          const status = a.releasedAt ? null : (live?.status ?? a.unitStatus);
          const proposedAt = !a.releasedAt && !a.onSceneAt ? a.onSceneProposedAt : null;
          const proposed = proposedAt !== null;
          return (
            <li key={a.id} className={`ounit${a.releasedAt ? ' ounit--released' : ''}${proposed ? ' ounit--proposed' : ''}`} data-unit={a.code} data-assignment={a.id}>
              <div className="ounit__head">
                {onSelectUnit ? (
                  <button type="button" className="link ounit__callsign" onClick={() => onSelectUnit(a.unitId)}>
                    {a.callsign}
                  </button>
                ) : (
                  <b className="ounit__callsign">{a.callsign}</b>
                )}
                {status ? <UnitStatusBadge status={status} /> : <span className="muted">{t('releasedAt')}</span>}
                {live && !a.releasedAt ? <StaleBadge unit={live} /> : null}
              </div>
              <div className="ounit__meta">
                {label(UNIT_KIND_LABELS, a.kind)} · {label(DEPARTMENT_LABELS, a.department)} · {time(a.dispatchedAt)}
                {a.dispatchDistanceMeters != null ? ` · ${formatDistance(a.dispatchDistanceMeters, lang)}` : ''}
                {a.dispatchEtaSeconds != null ? ` · ${t('etaShort')} ${formatEta(a.dispatchEtaSeconds)}` : ''} {a.dispatchDistanceMeters != null ? `(${t('atDispatch')})` : ''}
                {a.onSceneAt ? ` · ${t('onScene')} ${time(a.onSceneAt)}` : ''}
                {a.releasedAt ? ` · ${time(a.releasedAt)}${a.releasedReason ? ` — ${label(UNIT_REASON_LABELS, a.releasedReason)}` : ''}` : ''}
              </div>
              {proposed ? (
                <p className="ounit__proposed" data-testid="on-scene-proposed">
                  ◎ {t('onSceneProposed')} {time(proposedAt ?? '')}
                </p>
              ) : null}
              {!a.releasedAt && own(a.department) ? (
                <div className="ounit__actions">
                  {!a.onSceneAt && status === 'DISPATCHED' ? (
                    <button type="button" className={`btn btn--small${proposed ? ' btn--primary' : ''}`} disabled={busy} onClick={() => void act(() => confirmOnScene(api, o.id, a.id), `${t('unitOnScene')}: ${a.callsign}`)}>
                      {t('confirmOnScene')}
                    </button>
                  ) : null}
                  {releasing === a.id ? null : (
                    <button type="button" className="btn btn--small" disabled={busy} onClick={() => (setReleasing(a.id), setReason(''))}>
                      {t('release')}
                    </button>
                  )}
                </div>
              ) : null}
              {releasing === a.id ? (
                <form
                  className="ounit__release"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void act(() => releaseUnit(api, o.id, a.id, reason.trim()), `${t('unitReleased')}: ${a.callsign}`).then(() => setReleasing(null));
                  }}
                >
                  <label>
                    {t('releaseReason')}
                    <input required minLength={3} maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
                  </label>
                  <button type="submit" className="btn btn--small btn--primary" disabled={busy || reason.trim().length < 3}>
                    {t('release')}
                  </button>
                  <button type="button" className="btn btn--small btn--ghost" onClick={() => setReleasing(null)}>
                    {t('back')}
                  </button>
                </form>
              ) : null}
            </li>
          );
        })}
      </ul>

      {assignable ? (
        <>
          <div className="ounits__proposals-head">
            <h3>{t('proposals')}</h3>
            <label className="ounits__kind">
              <span className="sr-only">{t('kind')}</span>
              <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label={t('kind')} data-testid="proposal-kind">
                <option value="">{t('allKinds')}</option>
                {kinds.map((k) => (
                  <option key={k} value={k}>
                    {label(UNIT_KIND_LABELS, k)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {proposals === null ? <p className="muted">{t('loading')}</p> : null}
          {proposals && proposals.length === 0 ? <p className="muted">{t('noProposals')}</p> : null}
          <ol className="proposals" data-testid="unit-proposals">
            {(proposals ?? []).map((p, i) => (
              <li key={p.unit.id} className="proposal" data-unit={p.unit.code}>
                <span className="proposal__rank" aria-hidden="true">
                  {i + 1}
                </span>
                <span className="proposal__who">
                  <b>{p.unit.callsign}</b> <StaleBadge unit={p.unit} />
                  <br />
                  <small>
                    {label(UNIT_KIND_LABELS, p.unit.kind)} · {label(DEPARTMENT_LABELS, p.unit.department)}
                  </small>
                </span>
                <span className="proposal__dist" title={t('straightLine')}>
                  {formatDistance(p.distanceMeters, lang)}
                  <br />
                  <small>
                    {t('etaShort')} {formatEta(p.etaSeconds)}
                  </small>
                </span>
                <button type="button" className="btn btn--small btn--primary" disabled={busy} onClick={() => void act(() => assignUnits(api, o.id, [p.unit.id]), `${t('unitAssigned')}: ${p.unit.callsign}`)}>
                  {t('assign')}
                </button>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
