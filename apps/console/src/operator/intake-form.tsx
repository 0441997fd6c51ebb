import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { CategoryRule, OccurrenceDetail, RoutingDecision } from '@cgi/shared';
import { ApiRequestError, type ApiClient } from '../api/api-client';
import { describeError } from '../common/describe-error';
import { newIdempotencyKey } from '../common/idempotency-key';
import { PriorityBadge } from '../common/priority-badge';
import { useToasts } from '../common/toasts';
import { DEPARTMENT_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';

export interface IntakeFormProps {
  api: ApiClient;
  categories: CategoryRule[];
  picked: { lat: number; lon: number } | null;
  onPick: (p: { lat: number; lon: number } | null) => void;
  onCreated: (d: OccurrenceDetail) => void;
}

interface Flags {
  injuries: boolean;
  hazardousMaterials: boolean;
  blocksTraffic: boolean;
  peopleAtRisk: number;
}
const NO_FLAGS: Flags = { injuries: false, hazardousMaterials: false, blocksTraffic: false, peopleAtRisk: 0 };

/** Operator intake: category search, map picker and address, flags, and the routing decision previewed before submit. */
export function IntakeForm({ api, categories, picked, onPick, onCreated }: IntakeFormProps): ReactNode {
  const { t, label, category } = useI18n();
  const { push } = useToasts();
  const [search, setSearch] = useState('');
  const [code, setCode] = useState('');
  const [address, setAddress] = useState('');
  const [description, setDescription] = useState('');
  const [flags, setFlags] = useState<Flags>(NO_FLAGS);
  const [preview, setPreview] = useState<RoutingDecision | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  // One key per report, kept across retries until it is stored: a retry after a lost answer
  // (the API restarted, the network dropped) cannot store it twice (ADR 0014).
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);

  const matches = useMemo(() => {
    const q = search.trim().toLowerCase();
    return categories.filter((c) => !q || c.code.toLowerCase().includes(q) || c.name.toLowerCase().includes(q) || category(c.code).toLowerCase().includes(q));
  }, [categories, search, category]);

  const body = useMemo(
    () =>
      code && picked
        ? { category: code, location: { lat: picked.lat, lon: picked.lon, ...(address.trim() ? { address: address.trim() } : {}) }, flags, description: description.trim() || '-' }
        : null,
    [code, picked, address, flags, description],
  );

  // The routing decision the rules would give, refreshed as the form changes.
  useEffect(() => {
    if (!body) {
      setPreview(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api.post<RoutingDecision>('/occurrences/routing-preview', body).then(
        (d) => live && setPreview(d),
        () => live && setPreview(null),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, body]);

  const submit = async (): Promise<void> => {
    if (!body) return;
    setBusy(true);
    setErrors({});
    try {
      const created = await api.post<OccurrenceDetail>('/occurrences', { ...body, description: description.trim() }, { 'idempotency-key': idempotencyKey });
      setIdempotencyKey(newIdempotencyKey());
      push(`${t('submitted')}: ${created.reference}`, 'success');
      setCode('');
      setSearch('');
      setAddress('');
      setDescription('');
      setFlags(NO_FLAGS);
      onPick(null);
      onCreated(created);
    } catch (e) {
      if (e instanceof ApiRequestError) setErrors(Object.fromEntries(e.fields.map((f) => [f.field, f.message])));
      push(`${t('error')}: ${describeError(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  const r = preview?.result;
  return (
    <form
      className="form intake"
      aria-label={t('intake')}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        {t('category')}
        <input type="search" value={search} placeholder={t('searchCategory')} onChange={(e) => setSearch(e.target.value)} aria-controls="category-list" />
      </label>
      <select id="category-list" aria-label={t('category')} required size={6} value={code} onChange={(e) => setCode(e.target.value)} data-testid="category-select">
        {matches.map((c) => (
          <option key={c.code} value={c.code}>
            {category(c.code)} ({c.defaultPriority})
          </option>
        ))}
      </select>
      {errors.category ? <p className="field-error">{errors.category}</p> : null}
      <fieldset>
        <legend>{t('location')}</legend>
        <p className="muted" data-testid="picked">
          {picked ? `${picked.lat.toFixed(5)}, ${picked.lon.toFixed(5)}` : t('pickOnMap')}
        </p>
        <div className="row">
          <label>
            lat
            <input type="number" step="0.00001" value={picked?.lat ?? ''} onChange={(e) => onPick(e.target.value ? { lat: Number(e.target.value), lon: picked?.lon ?? -8.61 } : null)} />
          </label>
          <label>
            lon
            <input type="number" step="0.00001" value={picked?.lon ?? ''} onChange={(e) => onPick(e.target.value ? { lat: picked?.lat ?? 41.15, lon: Number(e.target.value) } : null)} />
          </label>
        </div>
        {errors['location.lat'] || errors['location.lon'] ? <p className="field-error">{errors['location.lat'] ?? errors['location.lon']}</p> : null}
        <label>
          {t('address')}
          <input value={address} onChange={(e) => setAddress(e.target.value)} maxLength={300} />
        </label>
      </fieldset>
      <label>
        {t('description')}
        <textarea required value={description} onChange={(e) => setDescription(e.target.value)} maxLength={4000} />
      </label>
      {errors.description ? <p className="field-error">{errors.description}</p> : null}
      <fieldset className="flags">
        <legend>{t('flags')}</legend>
        {(['injuries', 'hazardousMaterials', 'blocksTraffic'] as const).map((f) => (
          <label key={f} className="check">
            <input type="checkbox" checked={flags[f]} onChange={(e) => setFlags({ ...flags, [f]: e.target.checked })} /> {t(f)}
          </label>
        ))}
        <label>
          {t('peopleAtRisk')}
          <input type="number" min={0} max={100000} value={flags.peopleAtRisk} onChange={(e) => setFlags({ ...flags, peopleAtRisk: Math.max(0, Number(e.target.value) || 0) })} />
        </label>
      </fieldset>
      <section className="preview" aria-live="polite" data-testid="routing-preview">
        <h3>{t('routingPreview')}</h3>
        {r ? (
          <>
            <p>
              <PriorityBadge priority={r.priority} /> {t('lead')}: <b>{label(DEPARTMENT_LABELS, r.lead)}</b>
              {r.support.length ? ` · ${t('support')}: ${r.support.map((d) => label(DEPARTMENT_LABELS, d)).join(', ')}` : ''}
              {r.coordinator ? ` · ${t('coordinator')}: ${label(DEPARTMENT_LABELS, r.coordinator)}` : ''}
              {r.notify.length ? ` · ${t('notify')}: ${r.notify.join(', ')}` : ''}
            </p>
            <ul className="fired">
              {preview.fired.map((f) => (
                <li key={f.rule}>
                  <code>{f.rule}</code> {f.reason}
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="muted">{t('none')}</p>
        )}
      </section>
      <button type="submit" className="btn btn--primary" disabled={busy || !body || !description.trim()}>
        {t('submit')}
      </button>
    </form>
  );
}
