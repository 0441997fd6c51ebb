import type { ReactNode } from 'react';
import type { OccurrenceView } from '@cgi/shared';
import { Countdown } from '../common/countdown';
import { EscalationBadge, PriorityBadge } from '../common/priority-badge';
import { DEPARTMENT_LABELS, STATUS_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';

/** The most urgent open occurrences with their live SLA countdown (L3 pinned first). */
export function UrgentList({ items, now }: { items: OccurrenceView[]; now: number }): ReactNode {
  const { t, label, category } = useI18n();
  return (
    <section className="urgent" aria-label={t('mostUrgent')}>
      <h2 className="panel-title">{t('mostUrgent')}</h2>
      <ol className="urgent__list" data-testid="urgent-list">
        {items.map((o) => (
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
          </li>
        ))}
      </ol>
    </section>
  );
}
