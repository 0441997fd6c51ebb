import type { ReactNode } from 'react';
import type { OccurrenceView } from '@cgi/shared';
import { Countdown } from '../common/countdown';
import { EscalationBadge, PriorityBadge } from '../common/priority-badge';
import { SOURCE_LABELS, STATUS_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';

/** A keyboard-operable list of occurrences (each row is a button). */
export function OccurrenceList({ items, now, selected, onSelect, empty, testId }: { items: OccurrenceView[]; now: number; selected: string | null; onSelect: (id: string) => void; empty: string; testId: string }): ReactNode {
  const { label, category } = useI18n();
  if (!items.length) return <p className="empty">{empty}</p>;
  return (
    <ul className="olist" data-testid={testId}>
      {items.map((o) => (
        <li key={o.id}>
          <button type="button" className={`orow${selected === o.id ? ' orow--selected' : ''}`} aria-current={selected === o.id} onClick={() => onSelect(o.id)} data-reference={o.reference}>
            <span className="orow__head">
              <PriorityBadge priority={o.priority} /> <EscalationBadge level={o.escalationLevel} /> <b>{category(o.category)}</b>
            </span>
            <span className="orow__meta">
              {o.reference} · {label(STATUS_LABELS, o.status)} · {label(SOURCE_LABELS, o.source)}
              {o.reportCount > 1 ? ` · ×${o.reportCount}` : ''} · <Countdown occurrence={o} now={now} />
            </span>
            <span className="orow__addr">{o.location.address ?? o.location.parishName ?? ''}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
