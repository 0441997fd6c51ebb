import type { ReactNode } from 'react';
import type { OccurrenceView } from '@cgi/shared';
import { Countdown } from '../common/countdown';
import { EscalationBadge, PriorityBadge } from '../common/priority-badge';
import { escalatedAssignments } from '../common/urgency';
import { DEPARTMENT_LABELS, ROLE_LABELS, STATUS_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';

/**
 * The most urgent open occurrences with their live SLA countdown (L3 pinned first), naming every
 * department whose own ladder escalated — a support department that missed its acknowledgement too.
 */
export function UrgentList({ items, now }: { items: OccurrenceView[]; now: number }): ReactNode {
  const { t, label, category } = useI18n();
  return (
    <section className="urgent" aria-label={t('mostUrgent')}>
      <h2 className="panel-title">{t('mostUrgent')}</h2>
      <ol className="urgent__list" data-testid="urgent-list">
        {items.map((o) => {
          const missed = escalatedAssignments(o);
          return (
            <li key={o.id} className={`urgent__item urgent__item--${o.escalationLevel.toLowerCase()}`} data-reference={o.reference} data-status={o.status}>
              <div className="urgent__head">
                <PriorityBadge priority={o.priority} />
                <EscalationBadge level={o.escalationLevel} />
                <span className="urgent__cat">{category(o.category)}</span>
                <Countdown occurrence={o} now={now} />
              </div>
              <div className="urgent__meta">
                {o.reference} · {label(STATUS_LABELS, o.status)} · {label(DEPARTMENT_LABELS, o.lead)} · {o.location.address ?? o.location.parishName ?? ''}
              </div>
              {missed.length > 0 ? (
                <div className="urgent__missed" data-testid="escalated-departments">
                  {t('escalatedDepartments')}:{' '}
                  {missed.map((a) => (
                    <span key={a.department} className={`urgent__dep urgent__dep--${a.escalationLevel.toLowerCase()}`} data-department={a.department}>
                      ▲ {a.escalationLevel} {label(DEPARTMENT_LABELS, a.department)}
                      {a.role === 'LEAD' ? '' : ` (${label(ROLE_LABELS, a.role)})`}
                    </span>
                  ))}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
