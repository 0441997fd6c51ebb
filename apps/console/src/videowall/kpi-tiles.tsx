import type { ReactNode } from 'react';
import { PRIORITIES, type Department } from '@cgi/shared';
import { PriorityBadge } from '../common/priority-badge';
import { formatCountdown } from '../common/urgency';
import { DEPARTMENT_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import type { Kpis } from './kpis';

const SHOWN: Department[] = ['FIRE', 'CIVIL_PROTECTION', 'POLICE', 'MOBILITY', 'ENVIRONMENT', 'CGI'];

export function KpiTiles({ kpis }: { kpis: Kpis }): ReactNode {
  const { t, label } = useI18n();
  return (
    <section className="kpis" aria-label="KPI">
      <div className="kpi kpi--big" data-testid="kpi-open">
        <div className="kpi__label">{t('openByPriority')}</div>
        <div className="kpi__value">{kpis.openTotal}</div>
        <div className="kpi__row">
          {PRIORITIES.map((p) => (
            <span key={p} className="kpi__cell">
              <PriorityBadge priority={p} /> <b>{kpis.byPriority[p]}</b>
            </span>
          ))}
        </div>
      </div>
      <div className={`kpi kpi--big${kpis.slaBreaches ? ' kpi--alarm' : ''}`} data-testid="kpi-breaches">
        <div className="kpi__label">{t('slaBreaches')}</div>
        <div className="kpi__value">{kpis.slaBreaches}</div>
      </div>
      <table className="kpi kpi--table" data-testid="kpi-departments">
        <caption className="kpi__label">
          {t('openByDepartment')} · {t('medianAck')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('department')}</th>
            {PRIORITIES.map((p) => (
              <th key={p} scope="col">
                <PriorityBadge priority={p} />
              </th>
            ))}
            <th scope="col">{t('total')}</th>
            <th scope="col">{t('medianAckShort')}</th>
          </tr>
        </thead>
        <tbody>
          {SHOWN.map((d) => {
            const m = kpis.medianAckMs[d];
            return (
              <tr key={d} data-testid={`kpi-dep-${d}`}>
                <th scope="row">{label(DEPARTMENT_LABELS, d)}</th>
                {PRIORITIES.map((p) => (
                  <td key={p}>{kpis.byDepartment[d][p] || ''}</td>
                ))}
                <td className="kpi__total">{kpis.byDepartment[d].total}</td>
                <td>{m === null ? t('none') : formatCountdown(m)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
