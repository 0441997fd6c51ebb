import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { OPEN_STATUSES, type AssetDetail, type AssetOccurrenceView } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { describeError } from '../common/describe-error';
import { PriorityBadge } from '../common/priority-badge';
import { useToasts } from '../common/toasts';
import { ASSET_KIND_LABELS, ASSET_SOURCE_LABELS, DEPARTMENT_LABELS, STATUS_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useLive, useStoreRevision } from '../live/live-context';
import { AssetStatusBadge, CameraLinks } from './asset-badges';
import { getAsset } from './assets-api';

/** An asset's occurrences split as its detail shows them: the open ones, then the past ones, newest first in each. */
export function splitOccurrences(items: AssetOccurrenceView[]): { open: AssetOccurrenceView[]; past: AssetOccurrenceView[] } {
  const byNewest = [...items].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const isOpen = (o: AssetOccurrenceView): boolean => (OPEN_STATUSES as readonly string[]).includes(o.status);
  return { open: byNewest.filter(isOpen), past: byNewest.filter((o) => !isOpen(o)) };
}

/**
 * One asset: status and since when (and what said so), where it is, a camera's links and direction, the
 * occurrence its fault opened, its open and past occurrences, its status history. Read again when the
 * feed says its status changed.
 */
export function AssetDetailPanel({ api, id, onClose, onSelectOccurrence }: { api: ApiClient; id: string; onClose: () => void; onSelectOccurrence?: (id: string) => void }): ReactNode {
  const { t, label, category, time, dateTime } = useI18n();
  const { assets } = useLive();
  const { push } = useToasts();
  const revision = useStoreRevision(assets);
  const [d, setD] = useState<AssetDetail | null>(null);

  const load = useCallback(async () => {
    try {
      const next = await getAsset(api, id);
      setD(next);
      assets.put(next);
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
    }
  }, [api, id, assets, push, t]);

  useEffect(() => {
    setD(null);
    void load();
  }, [load]);

  // A newer version on the feed (its status changed): the history and occurrences changed with it.
  const liveVersion = assets.get(id)?.version;
  useEffect(() => {
    void revision;
    if (d && liveVersion !== undefined && liveVersion > d.version) void load();
  }, [revision, liveVersion, d, load]);

  if (!d) return <aside className="detail" aria-busy="true">{t('loading')}</aside>;
  const { open, past } = splitOccurrences(d.occurrences);
  const occurrenceRow = (o: AssetOccurrenceView): ReactNode => (
    <li key={o.id} data-reference={o.reference}>
      <time>{dateTime(o.createdAt)}</time> <PriorityBadge priority={o.priority} />{' '}
      {onSelectOccurrence ? (
        <button type="button" className="link" onClick={() => onSelectOccurrence(o.id)}>
          {o.reference}
        </button>
      ) : (
        <b>{o.reference}</b>
      )}{' '}
      · {category(o.category)} · {label(STATUS_LABELS, o.status)}
      {o.reportCount > 1 ? ` · ${o.reportCount} ${t('faultReports')}` : ''}
    </li>
  );
  return (
    <aside className="detail asset-detail" aria-label={d.name} data-testid="asset-detail" data-asset={d.code}>
      <header className="detail__head">
        <h2>
          {d.name} <AssetStatusBadge status={d.status} />
        </h2>
        <button type="button" className="btn btn--ghost" onClick={onClose} aria-label={t('back')}>
          ✕
        </button>
      </header>
      <p className="detail__meta">
        <b>{d.code}</b> · {label(ASSET_KIND_LABELS, d.kind)} · {label(DEPARTMENT_LABELS, d.department)}
        {d.synthetic ? ` · ${t('synthetic')}` : ''}
      </p>
      <dl className="facts">
        <dt>{t('status')}</dt>
        <dd data-testid="asset-status">
          {t('assetStatusSince')} {dateTime(d.statusChangedAt)}
          {d.statusReason ? ` · ${d.statusReason}` : ''}
        </dd>
        <dt>{t('location')}</dt>
        <dd>{d.address ?? `${d.location.lat.toFixed(5)}, ${d.location.lon.toFixed(5)}`}</dd>
        {d.camera ? (
          <>
            <dt>{t('viewingDirection')}</dt>
            <dd>{d.camera.directionDeg === null ? t('domeCamera') : `${d.camera.directionDeg}°`}</dd>
          </>
        ) : null}
        {d.openOccurrence ? (
          <>
            <dt>{t('assetOccurrence')}</dt>
            <dd>
              {onSelectOccurrence ? (
                <button type="button" className="link" onClick={() => d.openOccurrence && onSelectOccurrence(d.openOccurrence.id)}>
                  {d.openOccurrence.reference}
                </button>
              ) : (
                d.openOccurrence.reference
              )}
            </dd>
          </>
        ) : null}
      </dl>
      <CameraLinks camera={d.camera} className="detail__actions" />
      <section>
        <h3>{t('openOccurrences')}</h3>
        {open.length === 0 ? <p className="muted">{t('none')}</p> : null}
        <ol className="timeline" data-testid="asset-open-occurrences">
          {open.map(occurrenceRow)}
        </ol>
      </section>
      <section>
        <h3>{t('pastOccurrences')}</h3>
        {past.length === 0 ? <p className="muted">{t('none')}</p> : null}
        <ol className="timeline" data-testid="asset-past-occurrences">
          {past.map(occurrenceRow)}
        </ol>
      </section>
      <section>
        <h3>{t('statusHistory')}</h3>
        <ol className="timeline" data-testid="asset-history">
          {d.statusHistory.map((h, i) => (
            <li key={`${h.at}-${i}`}>
              <time>{time(h.at)}</time> <AssetStatusBadge status={h.status} /> · {label(ASSET_SOURCE_LABELS, h.source)}
              {h.reason ? ` · ${h.reason}` : ''}
            </li>
          ))}
        </ol>
      </section>
    </aside>
  );
}
