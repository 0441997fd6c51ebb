import type { ReactNode } from 'react';
import type { UnitStatus, UnitView } from '@cgi/shared';
import { UNIT_STATUS_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';

const SHAPE: Record<UnitStatus, string> = { AVAILABLE: '●', DISPATCHED: '➜', ON_SCENE: '◉', UNAVAILABLE: '–' };

/** A unit's status as colour, a symbol and its word. */
export function UnitStatusBadge({ status }: { status: UnitStatus }): ReactNode {
  const { label } = useI18n();
  return (
    <span className={`ustatus ustatus--${status.toLowerCase()}`} data-status={status}>
      <span aria-hidden="true">{SHAPE[status]}</span> {label(UNIT_STATUS_LABELS, status)}
    </span>
  );
}

/** "sem sinal" when the unit has been silent for too long (greyed on the map). */
export function StaleBadge({ unit }: { unit: Pick<UnitView, 'stale'> }): ReactNode {
  const { t } = useI18n();
  if (!unit.stale) return null;
  return (
    <span className="ustale" title={t('stale')}>
      {t('staleShort')}
    </span>
  );
}
