import type { ReactNode } from 'react';
import type { LiveOccurrenceEvent } from '@cgi/shared';
import { DEPARTMENT_LABELS, EVENT_LABELS, LEVEL_LABELS, ROLE_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { unitPayload } from '../units/unit-store';

/** Events shown: 6 rows of 2, the height the ticker's CSS reserves (.ticker__list). */
const SHOWN = 12;

/** The latest events of the live feed, newest first; an escalation names the department that missed, and its role when not the lead. */
export function EventTicker({ events }: { events: LiveOccurrenceEvent[] }): ReactNode {
  const { t, label, category, time } = useI18n();
  return (
    <section className="ticker" aria-label={t('latestEvents')} aria-live="off">
      <h2 className="panel-title">{t('latestEvents')}</h2>
      {events.length === 0 ? <p className="muted">{t('noEvents')}</p> : null}
      <ol className="ticker__list" data-testid="ticker">
        {events.slice(0, SHOWN).map(({ event, occurrence }) => {
          const level = typeof event.payload.level === 'string' ? event.payload.level : null;
          const role = typeof event.payload.role === 'string' && event.payload.role !== 'LEAD' ? ` (${label(ROLE_LABELS, event.payload.role)})` : '';
          const dep = typeof event.payload.department === 'string' ? `${label(DEPARTMENT_LABELS, event.payload.department)}${role}` : null;
          const unit = unitPayload({ event, occurrence })?.unit;
          return (
            <li key={event.position} className={`ticker__item ticker__item--${event.type.toLowerCase()}`} data-type={event.type}>
              <time>{time(event.at)}</time> <b>{label(EVENT_LABELS, event.type)}</b>
              {unit ? ` · ${unit.callsign}` : ''}
              {occurrence ? ` · ${occurrence.reference} · ${category(occurrence.category)}` : ''}
              {dep ? ` · ${dep}` : ''}
              {level ? ` · ${LEVEL_LABELS[level] ? label(LEVEL_LABELS, level) : level}` : ''}
              {occurrence?.location.parishName ? ` · ${occurrence.location.parishName.split(',')[0]}` : ''}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
