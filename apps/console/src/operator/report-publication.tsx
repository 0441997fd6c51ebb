import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { coarseCoordinate, streetOf } from '@cgi/domain';
import type { OccurrenceView, ReportPublication, Role } from '@cgi/shared';
import { getReportPublication, REPORT_PUBLICATION_ROLES, setReportPublication, type ApiClient } from '../api/api-client';
import { describeError } from '../common/describe-error';
import { useToasts } from '../common/toasts';
import { useI18n } from '../i18n/i18n';
import { useLive } from '../live/live-context';

/** Whether the detail shows the publication control: a citizen report (Open311) seen by a role the API lets moderate. */
export function showsReportPublication(occurrence: OccurrenceView, role: Role): boolean {
  return occurrence.source === 'CITIZEN' && REPORT_PUBLICATION_ROLES.includes(role);
}

/**
 * A citizen report's publication on Open311 (ADR 0020): whether its own words are public (who and
 * when), what the public reads meanwhile, and the CGI's command to publish or withdraw them, each
 * after a confirmation that shows exactly what becomes public.
 */
export function ReportPublicationPanel({ api, occurrence }: { api: ApiClient; occurrence: OccurrenceView }): ReactNode {
  const { t, dateTime } = useI18n();
  const { push } = useToasts();
  const { onEvent } = useLive();
  const [pub, setPub] = useState<ReportPublication | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLDivElement>(null);
  const id = occurrence.id;

  const load = useCallback(async () => {
    try {
      setPub(await getReportPublication(api, id));
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
    }
  }, [api, id, push, t]);

  useEffect(() => {
    void load();
  }, [load]);
  // Not a lifecycle event itself, but another operator may have moderated it: refresh with the detail.
  useEffect(() => onEvent((e) => e.event.occurrenceId === id && void load()), [onEvent, id, load]);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const apply = async (descriptionPublic: boolean): Promise<void> => {
    setBusy(true);
    try {
      const next = await setReportPublication(api, id, descriptionPublic);
      setPub(next);
      setConfirming(false);
      push(next.descriptionPublic ? t('madePublic') : t('withdrawnFromPublic'), 'success');
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
      await load();
    } finally {
      setBusy(false);
    }
  };

  const { address, lat, lon } = occurrence.location;
  const street = streetOf(address);
  return (
    <section className="publication" data-testid="report-publication" aria-labelledby={`publication-${id}`} aria-busy={pub === null}>
      <h3 id={`publication-${id}`}>{t('publication')}</h3>
      {pub === null ? (
        <p className="muted">{t('loading')}</p>
      ) : (
        <>
          <p className="publication__state" data-testid="publication-state">
            <span className={`pub-chip pub-chip--${pub.descriptionPublic ? 'public' : 'reserved'}`}>{pub.descriptionPublic ? t('descriptionPublic') : t('descriptionReserved')}</span>
            {pub.descriptionPublic && pub.publicAt ? (
              <span className="muted">
                {' '}
                {t('by')} {pub.publicBy ?? t('none')} · {dateTime(pub.publicAt)}
              </span>
            ) : null}
          </p>
          {!pub.descriptionPublic ? (
            <p className="muted publication__coarse">
              {t('publicSees')}: {t('noDescriptionNoPhoto')}; {street ?? t('noStreet')}; {t('approximatePoint')} {coarseCoordinate(lat)}, {coarseCoordinate(lon)}.
            </p>
          ) : null}
          {confirming ? (
            <div className="confirm" ref={confirmRef} tabIndex={-1} role="group" aria-label={pub.descriptionPublic ? t('confirmWithdraw') : t('confirmPublish')} data-testid="publication-confirm">
              {pub.descriptionPublic ? (
                <>
                  <p>{t('confirmWithdrawLead')}</p>
                  <p className="muted">
                    {t('publicSees')}: {t('noDescriptionNoPhoto')}; {street ?? t('noStreet')}; {t('approximatePoint')} {coarseCoordinate(lat)}, {coarseCoordinate(lon)}.
                  </p>
                </>
              ) : (
                <>
                  <p>
                    <b>{t('confirmPublishLead')}</b>
                  </p>
                  <figure className="confirm__quote">
                    <figcaption>{t('citizenText')}:</figcaption>
                    <blockquote data-testid="publication-text">{occurrence.description || t('emptyText')}</blockquote>
                  </figure>
                  <dl className="confirm__facts">
                    <dt>{t('exactAddress')}</dt>
                    <dd>{address ?? t('noStreet')}</dd>
                    <dt>{t('exactPoint')}</dt>
                    <dd>
                      {lat}, {lon}
                    </dd>
                  </dl>
                  <p className="muted">{t('photoIfAny')}</p>
                </>
              )}
              <div className="detail__actions">
                <button type="button" className={`btn ${pub.descriptionPublic ? 'btn--danger' : 'btn--primary'}`} disabled={busy} onClick={() => void apply(!pub.descriptionPublic)}>
                  {pub.descriptionPublic ? t('confirmWithdraw') : t('confirmPublish')}
                </button>
                <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(false)}>
                  {pub.descriptionPublic ? t('keepPublic') : t('keepReserved')}
                </button>
              </div>
            </div>
          ) : (
            <div className="detail__actions">
              <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(true)}>
                {pub.descriptionPublic ? t('withdrawPublic') : t('makePublic')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
