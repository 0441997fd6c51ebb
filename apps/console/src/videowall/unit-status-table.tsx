import type { ReactNode } from 'react';
import { UNIT_STATUSES, type UnitView } from '@cgi/shared';
import { DEPARTMENT_LABELS, UNIT_STATUS_LABELS, UNIT_STATUS_SHORT } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { UNIT_STATUS_STYLE } from '../map/unit-style';
import { countByStatus } from '../units/unit-store';
import { UNIT_DEPARTMENTS } from '../units/units-panel';

/** The videowall's fleet: units by status for each department (counts only: no names, no crew). */
export function UnitStatusTable({ units }: { units: UnitView[] }): ReactNode {
  const { t, label } = useI18n();
  const counts = countByStatus(units);
  return (
    <table className="kpi kpi--table vw-units" data-testid="units-by-status">
      <caption className="kpi__label">{t('unitsByStatus')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('department')}</th>
          {UNIT_STATUSES.map((s) => (
            <th key={s} scope="col" className="vw-units__status" title={label(UNIT_STATUS_LABELS, s)}>
              <span className="vw-units__swatch" style={{ background: UNIT_STATUS_STYLE[s].fill }} aria-hidden="true" /> {label(UNIT_STATUS_SHORT, s)}
            </th>
          ))}
          <th scope="col" className="vw-units__status">{t('staleShort')}</th>
        </tr>
      </thead>
      <tbody>
        {UNIT_DEPARTMENTS.map((d) => {
          const row = counts.get(d);
          return (
            <tr key={d} data-testid={`units-dep-${d}`}>
              <th scope="row">{label(DEPARTMENT_LABELS, d)}</th>
              {UNIT_STATUSES.map((s) => (
                <td key={s} data-status={s}>
                  {row?.[s] || ''}
                </td>
              ))}
              <td className="muted">{row?.stale || ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
