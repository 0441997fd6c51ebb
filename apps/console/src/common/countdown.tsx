import type { ReactNode } from 'react';
import type { Department, OccurrenceView } from '@cgi/shared';
import { useI18n } from '../i18n/i18n';
import { formatCountdown, nextDeadline } from './urgency';

const KIND: Record<string, { pt: string; en: string }> = {
  ACKNOWLEDGE: { pt: 'aceitar', en: 'ack' },
  ON_SCENE: { pt: 'no local', en: 'on scene' },
  RESOLVE: { pt: 'resolver', en: 'resolve' },
};

/** The live SLA countdown of an occurrence's next deadline (red and "overdue" when past). */
export function Countdown({ occurrence, department, now }: { occurrence: OccurrenceView; department?: Department | null; now: number }): ReactNode {
  const { t, lang } = useI18n();
  const d = nextDeadline(occurrence, department);
  if (!d) return <span className="countdown countdown--none">{t('none')}</span>;
  const ms = Date.parse(d.dueAt) - now;
  const late = ms < 0;
  return (
    <span className={`countdown${late ? ' countdown--late' : ms < 60_000 ? ' countdown--soon' : ''}`} data-testid="countdown">
      <span className="countdown__kind">{KIND[d.kind][lang]}</span>{' '}
      <time dateTime={d.dueAt}>{formatCountdown(ms)}</time>
      {late ? <span className="countdown__late"> {t('overdue')}</span> : null}
    </span>
  );
}
