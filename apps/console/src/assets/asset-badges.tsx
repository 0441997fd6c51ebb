import type { ReactNode } from 'react';
import type { AssetStatus, CameraInfo } from '@cgi/shared';
import { ASSET_STATUS_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { ASSET_STATUS_STYLE, safeLink } from './asset-style';

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

/** A camera's snapshot and stream, opened in a new tab (http(s) URLs only, never embedded); nothing when it has neither. */
export function CameraLinks({ camera, className, small = false }: { camera: CameraInfo | null; className: string; small?: boolean }): ReactNode {
  const { t } = useI18n();
  const snapshot = safeLink(camera?.snapshotUrl);
  const stream = safeLink(camera?.streamUrl);
  if (!snapshot && !stream) return null;
  const btn = small ? 'btn btn--small' : 'btn';
  return (
    <div className={className}>
      {snapshot ? (
        <a href={snapshot} target="_blank" rel="noopener noreferrer" className={btn} data-testid="camera-snapshot">
          {t('cameraSnapshot')} ↗
        </a>
      ) : null}
      {stream ? (
        <a href={stream} target="_blank" rel="noopener noreferrer" className={`${btn} btn--ghost`}>
          {t('cameraStream')} ↗
        </a>
      ) : null}
    </div>
  );
}
