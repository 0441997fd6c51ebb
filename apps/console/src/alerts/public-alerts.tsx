import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { CAP_CATEGORIES, CAP_CERTAINTIES, CAP_SEVERITIES, CAP_URGENCIES, type AlertDraftInput, type OccurrenceView, type PublicAlertView } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { useReference } from '../api/reference';
import { describeError } from '../common/describe-error';
import { useToasts } from '../common/toasts';
import { CAP_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useLive } from '../live/live-context';
import { useSession } from '../session/session';
import { parishAt } from './parish-at';

/** The alerts in force, reloaded whenever a PUBLIC_ALERT_* event arrives on the live feed. */
export function useAlertsInForce(api: ApiClient): { alerts: PublicAlertView[]; reload: () => Promise<void> } {
  const { onEvent } = useLive();
  const [alerts, setAlerts] = useState<PublicAlertView[]>([]);
  const reload = useCallback(async () => {
    try {
      setAlerts(await api.get<PublicAlertView[]>('/public-alerts'));
    } catch {
      // The list stays as it was; the next event retries.
    }
  }, [api]);
  useEffect(() => {
    void reload();
    return onEvent((e) => (e.event.type.startsWith('PUBLIC_ALERT_') && e.event.occurrenceId === null ? void reload() : undefined));
  }, [onEvent, reload]);
  return { alerts, reload };
}

/** The videowall's strip of public alerts in force. */
export function AlertsStrip(): ReactNode {
  const { api } = useSession();
  const { t, lang, time, label } = useI18n();
  const { alerts } = useAlertsInForce(api);
  if (alerts.length === 0) return null;
  return (
    <section className="vw-alerts" aria-label={t('alertsInForce')} data-testid="videowall-alerts">
      {alerts.map((a) => (
        <div key={a.id} className={`vw-alert vw-alert--${a.draft.severity.toLowerCase()}`} data-identifier={a.identifier}>
          <b>⚠ {(lang === 'en' && a.draft.texts.en ? a.draft.texts.en : a.draft.texts.pt).headline}</b>
          <span>{a.areas.map((x) => x.description.pt).join(', ')}</span>
          <span className="muted">
            {label(CAP_LABELS, a.draft.severity)} · {t('expiresAt')} {time(a.expires)}
          </span>
        </div>
      ))}
    </section>
  );
}

interface FormState {
  /** Parishes (CAOP polygons), or a circle whose centre is a click on the map. */
  areaKind: 'parishes' | 'circle';
  parishes: string[];
  circleLat: string;
  circleLon: string;
  radiusKm: string;
  ptEvent: string;
  ptHeadline: string;
  ptDescription: string;
  ptInstruction: string;
  enEvent: string;
  enHeadline: string;
  enDescription: string;
  enInstruction: string;
  category: string;
  urgency: string;
  severity: string;
  certainty: string;
  expires: string;
  occurrenceIds: string[];
}

const localInput = (iso: string): string => {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
};
const EMPTY = (): FormState => ({
  areaKind: 'parishes', parishes: [], circleLat: '', circleLon: '', radiusKm: '1', ptEvent: '', ptHeadline: '', ptDescription: '', ptInstruction: '', enEvent: '', enHeadline: '', enDescription: '', enInstruction: '',
  category: 'Met', urgency: 'Expected', severity: 'Moderate', certainty: 'Likely', expires: localInput(new Date(Date.now() + 6 * 3600_000).toISOString()), occurrenceIds: [],
});
const fromAlert = (a: PublicAlertView): FormState => ({
  areaKind: a.draft.area.circle ? 'circle' : 'parishes',
  parishes: a.draft.area.parishes ?? [],
  circleLat: a.draft.area.circle ? String(a.draft.area.circle.lat) : '',
  circleLon: a.draft.area.circle ? String(a.draft.area.circle.lon) : '',
  radiusKm: a.draft.area.circle ? String(a.draft.area.circle.radiusKm) : '1',
  ptEvent: a.draft.texts.pt.event, ptHeadline: a.draft.texts.pt.headline, ptDescription: a.draft.texts.pt.description, ptInstruction: a.draft.texts.pt.instruction ?? '',
  enEvent: a.draft.texts.en?.event ?? '', enHeadline: a.draft.texts.en?.headline ?? '', enDescription: a.draft.texts.en?.description ?? '', enInstruction: a.draft.texts.en?.instruction ?? '',
  category: a.draft.category[0], urgency: a.draft.urgency, severity: a.draft.severity, certainty: a.draft.certainty, expires: localInput(a.expires), occurrenceIds: a.draft.occurrenceIds ?? [],
});
function toDraft(f: FormState): AlertDraftInput {
  const text = (event: string, headline: string, description: string, instruction: string) => ({ event: event.trim(), headline: headline.trim(), description: description.trim(), ...(instruction.trim() ? { instruction: instruction.trim() } : {}) });
  const en = f.enEvent.trim() || f.enHeadline.trim() || f.enDescription.trim();
  return {
    category: [f.category] as AlertDraftInput['category'],
    urgency: f.urgency as AlertDraftInput['urgency'],
    severity: f.severity as AlertDraftInput['severity'],
    certainty: f.certainty as AlertDraftInput['certainty'],
    expires: f.expires ? new Date(f.expires).toISOString() : '',
    texts: { pt: text(f.ptEvent, f.ptHeadline, f.ptDescription, f.ptInstruction), ...(en ? { en: text(f.enEvent, f.enHeadline, f.enDescription, f.enInstruction) } : {}) },
    area: f.areaKind === 'circle' ? { circle: { lat: Number(f.circleLat), lon: Number(f.circleLon), radiusKm: Number(f.radiusKm) } } : { parishes: f.parishes },
    occurrenceIds: f.occurrenceIds,
  };
}

/** The supervisor's "Aviso público": draft (parishes, pt + en texts, dates, occurrences), issue, update, cancel. */
export function PublicAlertsPanel({ api, canIssue, occurrences, picked }: { api: ApiClient; canIssue: boolean; occurrences: OccurrenceView[]; picked?: { lat: number; lon: number } | null }): ReactNode {
  const { t, time, label: enumLabel } = useI18n();
  const { push } = useToasts();
  const { parishes } = useReference();
  const { alerts, reload } = useAlertsInForce(api);
  const [form, setForm] = useState<FormState>(EMPTY);
  const [editing, setEditing] = useState<PublicAlertView | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]): void => setForm((f) => ({ ...f, [k]: v }));
  const toggle = (k: 'parishes' | 'occurrenceIds', v: string): void => setForm((f) => ({ ...f, [k]: f[k].includes(v) ? f[k].filter((x) => x !== v) : [...f[k], v] }));
  // A click on the map picks (or unpicks) the parish under it, or places the circle's centre.
  const areaKind = form.areaKind;
  useEffect(() => {
    if (!picked) return;
    if (areaKind === 'circle') {
      setForm((f) => ({ ...f, circleLat: picked.lat.toFixed(5), circleLon: picked.lon.toFixed(5) }));
      return;
    }
    const code = parishAt(parishes, picked.lat, picked.lon);
    if (code) toggle('parishes', code);
    // Only a new click acts, not a change of mode (areaKind is read, not a dependency).
  }, [picked, parishes]);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      if (editing) await api.post(`/public-alerts/${editing.id}/update`, { draft: toDraft(form) });
      else await api.post('/public-alerts', toDraft(form));
      push(editing ? t('alertUpdated') : t('alertIssued'), 'info');
      setForm(EMPTY());
      setEditing(null);
      await reload();
    } catch (err) {
      const fields = (err as { fields?: Array<{ field: string; message: string }> }).fields ?? [];
      setErrors(Object.fromEntries(fields.map((f) => [f.field.replace(/^draft\./, ''), f.message])));
      push(`${t('error')}: ${describeError(err)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  const cancel = async (a: PublicAlertView): Promise<void> => {
    const note = window.prompt(t('cancelAlertReason'));
    if (!note?.trim()) return;
    try {
      await api.post(`/public-alerts/${a.id}/cancel`, { note: note.trim() });
      push(t('alertCancelled'), 'info');
      await reload();
    } catch (err) {
      push(`${t('error')}: ${describeError(err)}`, 'error');
    }
  };
  const err = (field: string): ReactNode => {
    const m = Object.entries(errors).find(([k]) => k === field || k.startsWith(`${field}.`) || k.startsWith(`${field}[`));
    return m ? <span className="field-error">{m[1]}</span> : null;
  };
  const input = (k: keyof FormState, label: string, multiline = false): ReactNode => (
    <label>
      {label}
      {multiline ? (
        <textarea value={form[k] as string} onChange={(e) => set(k, e.target.value as never)} rows={2} />
      ) : (
        <input value={form[k] as string} onChange={(e) => set(k, e.target.value as never)} />
      )}
    </label>
  );
  const select = (k: 'category' | 'urgency' | 'severity' | 'certainty', label: string, values: readonly string[]): ReactNode => (
    <label>
      {label}
      <select value={form[k]} onChange={(e) => set(k, e.target.value)}>
        {values.map((v) => (
          <option key={v} value={v}>
            {enumLabel(CAP_LABELS, v)}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section className="public-alerts" aria-label={t('publicAlerts')} data-testid="public-alerts">
      <h2>{t('alertsInForce')}</h2>
      {alerts.length === 0 ? <p className="muted">{t('noAlertsInForce')}</p> : null}
      <ul className="alert-list">
        {alerts.map((a) => (
          <li key={a.id} data-identifier={a.identifier}>
            <b>{a.draft.texts.pt.headline}</b> · {enumLabel(CAP_LABELS, a.draft.severity)} · {enumLabel(CAP_LABELS, a.msgType)} · {t('expiresAt')} {time(a.expires)}
            <div className="muted">{a.identifier}</div>
            {canIssue ? (
              <span className="row">
                <button type="button" className="btn btn--small" onClick={() => (setEditing(a), setForm(fromAlert(a)))}>
                  {t('updateAlert')}
                </button>
                <button type="button" className="btn btn--small btn--danger" onClick={() => void cancel(a)}>
                  {t('cancelAlert')}
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      {!canIssue ? (
        <p className="muted">{t('onlySupervisorsAlerts')}</p>
      ) : (
        <form className="form alert-form" onSubmit={(e) => void submit(e)} aria-label={t('newPublicAlert')}>
          <h2>
            {t('newPublicAlert')}
            {editing ? ` — ${editing.identifier}` : ''}
          </h2>
          <div className="row" role="radiogroup" aria-label={t('alertArea')}>
            {(['parishes', 'circle'] as const).map((k) => (
              <label key={k} className="check">
                <input type="radio" name="areaKind" checked={form.areaKind === k} onChange={() => set('areaKind', k)} /> {t(k === 'parishes' ? 'alertAreaParishes' : 'alertAreaCircle')}
              </label>
            ))}
          </div>
          {form.areaKind === 'circle' ? (
            <fieldset>
              <legend>{t('alertAreaCircle')}</legend>
              <p className="muted">{t('alertCircleHint')}</p>
              <div className="row">
                {input('circleLat', 'lat')}
                {input('circleLon', 'lon')}
                {input('radiusKm', t('alertRadiusKm'))}
              </div>
              {err('area')}
            </fieldset>
          ) : null}
          <fieldset hidden={form.areaKind !== 'parishes'}>
            <legend>{t('alertParishes')}</legend>
            <div className="alert-parishes">
              {(parishes?.features ?? []).map((p) => (
                <label key={p.properties.code} className="check">
                  <input type="checkbox" data-parish={p.properties.code} checked={form.parishes.includes(p.properties.code)} onChange={() => toggle('parishes', p.properties.code)} /> {p.properties.shortName}
                </label>
              ))}
            </div>
            {err('area')}
          </fieldset>
          {(['pt', 'en'] as const).map((l) => (
            <fieldset key={l}>
              <legend>{t(l === 'pt' ? 'alertTextPt' : 'alertTextEn')}</legend>
              {input(`${l}Event`, t('alertEvent'))}
              {input(`${l}Headline`, t('alertHeadline'))}
              {input(`${l}Description`, t('alertDescription'), true)}
              {input(`${l}Instruction`, t('alertInstruction'), true)}
              {err(`texts.${l}`)}
            </fieldset>
          ))}
          <div className="row">
            {select('category', t('alertCategory'), CAP_CATEGORIES)}
            {select('urgency', t('alertUrgency'), CAP_URGENCIES)}
            {select('severity', t('alertSeverity'), CAP_SEVERITIES)}
            {select('certainty', t('alertCertainty'), CAP_CERTAINTIES)}
          </div>
          <label>
            {t('alertExpires')}
            <input type="datetime-local" value={form.expires} onChange={(e) => set('expires', e.target.value)} />
            {err('expires')}
          </label>
          {occurrences.length > 0 ? (
            <fieldset>
              <legend>{t('alertOccurrences')}</legend>
              <div className="alert-occurrences">
                {occurrences.slice(0, 30).map((o) => (
                  <label key={o.id} className="check">
                    <input type="checkbox" checked={form.occurrenceIds.includes(o.id)} onChange={() => toggle('occurrenceIds', o.id)} /> {o.reference}
                  </label>
                ))}
              </div>
            </fieldset>
          ) : null}
          <div className="row">
            <button type="submit" className="btn btn--primary" disabled={busy}>
              {editing ? t('updateAlert') : t('issueAlert')}
            </button>
            {editing ? (
              <button type="button" className="btn btn--ghost" onClick={() => (setEditing(null), setForm(EMPTY()))}>
                {t('alertDiscard')}
              </button>
            ) : null}
          </div>
        </form>
      )}
    </section>
  );
}
