import type { ReactNode } from 'react';
import type { AssetStatus } from '@cgi/shared';
import { ASSET_STATUS_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { ASSET_STATUS_STYLE } from './asset-style';

/** An asset's status as its colour, its map mark and its word. */
export function AssetStatusBadge({ status }: { status: AssetStatus }): ReactNode {
  const { label } = useI18n();
  const mark = ASSET_STATUS_STYLE[status].mark;
  return (
    <span className={`astatus astatus--${status.toLowerCase()}`} data-status={status}>
      {mark ? <span aria-hidden="true">{mark}</span> : null} {label(ASSET_STATUS_LABELS, status)}
    </span>
  );
}
