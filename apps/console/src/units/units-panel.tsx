import { useMemo, useState, type ReactNode } from 'react';
import { UNIT_STATUSES, type Department, type UnitStatus, type UnitView } from '@cgi/shared';
import { DEPARTMENT_LABELS, UNIT_KIND_LABELS, UNIT_STATUS_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useStoreRevision } from '../live/live-context';
import { StaleBadge, UnitStatusBadge } from './unit-badges';
import type { UnitStore } from './unit-store';

export const UNIT_DEPARTMENTS: Department[] = ['FIRE', 'POLICE', 'CIVIL_PROTECTION', 'MOBILITY', 'ENVIRONMENT'];
const LIST_RENDER_MS = 1000;
const STATUS_ORDER: Record<UnitStatus, number> = { ON_SCENE: 0, DISPATCHED: 1, AVAILABLE: 2, UNAVAILABLE: 3 };

/** Callsigns in Portuguese order, numbers as numbers (one collator: localeCompare with options builds one per call). */
export const CALLSIGN_ORDER = new Intl.Collator('pt', { numeric: true });

/** Units by department, then the busy ones first, then callsign. */
export function sortUnits(units: UnitView[]): UnitView[] {
  return [...units].sort(
    (a, b) =>
      UNIT_DEPARTMENTS.indexOf(a.department) - UNIT_DEPARTMENTS.indexOf(b.department) ||
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      CALLSIGN_ORDER.compare(a.callsign, b.callsign),
  );
}

/**
 * The fleet as a keyboard-operable list (each row a button), filtered by department and status.
 * With `department` the list is that department's only (the department view) and has no department filter.
 */
export function UnitsPanel({
  units,
  selected,
  onSelect,
  department,
  onNew,
}: {
  units: UnitStore;
  selected: string | null;
  onSelect?: (id: string) => void;
  department?: Department;
  /** Unit managers: opens the new unit's form. */
  onNew?: () => void;
}): ReactNode {
  const { t, label, time } = useI18n();
  // Positions arrive every second or so per unit: the list (last fix times) follows at most once a second.
  const revision = useStoreRevision(units, LIST_RENDER_MS);
  const [dep, setDep] = useState<Department | ''>('');
  const [status, setStatus] = useState<UnitStatus | ''>('');
  const list = useMemo(() => {
    void revision;
    const only = department ?? dep;
    return sortUnits(units.list().filter((u) => (!only || u.department === only) && (!status || u.status === status)));
  }, [units, revision, department, dep, status]);

  return (
    <section className="units-panel" aria-label={t('units')} data-testid="units-panel">
      <div className="units-panel__filters">
        {department ? null : (
          <label>
            {t('department')}
            <select value={dep} onChange={(e) => setDep(e.target.value as Department | '')} data-testid="units-filter-department">
              <option value="">{t('allDepartments')}</option>
              {UNIT_DEPARTMENTS.map((d) => (
                <option key={d} value={d}>
                  {label(DEPARTMENT_LABELS, d)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('status')}
          <select value={status} onChange={(e) => setStatus(e.target.value as UnitStatus | '')} data-testid="units-filter-status">
            <option value="">{t('allStatuses')}</option>
            {UNIT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(UNIT_STATUS_LABELS, s)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="units-panel__count">
        <span className="muted">
          {list.length} {t('unitsShown')}
        </span>
        {onNew ? (
          <button type="button" className="btn btn--small" onClick={onNew}>
            {t('newUnit')}…
          </button>
        ) : null}
      </div>
      {list.length === 0 ? <p className="empty">{t('noUnits')}</p> : null}
      <ul className="ulist" data-testid="units-list">
        {list.map((u) => (
          <li key={u.id}>
            <UnitRow select={onSelect ? () => onSelect(u.id) : undefined} selected={selected === u.id} code={u.code} status={u.status}>
              <span className="urow__head">
                <b className="urow__callsign">{u.callsign}</b> <UnitStatusBadge status={u.status} /> <StaleBadge unit={u} />
              </span>
              <span className="urow__meta">
                {label(UNIT_KIND_LABELS, u.kind)} · {label(DEPARTMENT_LABELS, u.department)}
                {u.occurrence ? ` · ${u.occurrence.reference}` : ''}
                {u.status === 'UNAVAILABLE' && u.unavailableReason ? ` · ${u.unavailableReason}` : ''}
              </span>
              <span className="urow__fix">
                {t('lastFix')}: {u.position ? time(u.position.at) : t('none')}
              </span>
            </UnitRow>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A row: a button when the list selects units (the workstation), plain text otherwise (the department view). */
function UnitRow({ select, selected, code, status, children }: { select?: () => void; selected: boolean; code: string; status: UnitStatus; children: ReactNode }): ReactNode {
  if (!select)
    return (
      <div className="urow urow--static" data-unit={code} data-status={status}>
        {children}
      </div>
    );
  return (
    <button type="button" className={`urow${selected ? ' urow--selected' : ''}`} aria-current={selected} onClick={select} data-unit={code} data-status={status}>
      {children}
    </button>
  );
}
