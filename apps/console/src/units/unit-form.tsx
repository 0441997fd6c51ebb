import { useContext, useState, type FormEvent, type ReactNode } from 'react';
import type { Department, Role, UnitKindRule, UnitView } from '@cgi/shared';
import { ApiRequestError, type ApiClient } from '../api/api-client';
import { UnitRulesContext } from '../api/reference';
import { describeError } from '../common/describe-error';
import { useToasts } from '../common/toasts';
import { DEPARTMENT_LABELS, UNIT_KIND_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { UNIT_DEPARTMENTS } from './units-panel';

/** Who manages units: ADMIN, and a department supervisor for their own department (the API checks it too). */
export function mayManageUnits(role: Role): boolean {
  return role === 'ADMIN' || role === 'DEPARTMENT_SUPERVISOR';
}

/** The catalogue's kinds a department may own. */
export function kindsOf(department: Department, catalogue: readonly UnitKindRule[]): string[] {
  return catalogue.filter((k) => k.departments.includes(department)).map((k) => k.code);
}

/**
 * Adds a unit (POST /units) or changes one (PATCH /units/:id with its version): callsign, kind, home base,
 * crew (one name a line). With `department` the department is fixed (a department supervisor's own).
 */
export function UnitForm({ api, unit, department, onDone, onCancel }: { api: ApiClient; unit?: UnitView; department?: Department; onDone: (u: UnitView) => void; onCancel: () => void }): ReactNode {
  const { t, label } = useI18n();
  const { push } = useToasts();
  const [dep, setDep] = useState<Department>(unit?.department ?? department ?? 'FIRE');
  const [code, setCode] = useState(unit?.code ?? '');
  const [callsign, setCallsign] = useState(unit?.callsign ?? '');
  const catalogue = useContext(UnitRulesContext).kinds;
  const [kind, setKind] = useState(unit?.kind ?? kindsOf(dep, catalogue)[0] ?? '');
  const [lat, setLat] = useState(unit ? String(unit.homeBase.lat) : '');
  const [lon, setLon] = useState(unit ? String(unit.homeBase.lon) : '');
  const [address, setAddress] = useState(unit?.homeBase.address ?? '');
  const [crew, setCrew] = useState((unit?.crew ?? []).join('\n'));
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setFieldErrors({});
    const homeBase = { lat: Number(lat), lon: Number(lon), ...(address.trim() ? { address: address.trim() } : {}) };
    const names = crew
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    try {
      const saved = unit
        ? await api.request<UnitView>('PATCH', `/units/${unit.id}`, { version: unit.version, callsign: callsign.trim(), kind, homeBase, crew: names })
        : await api.post<UnitView>('/units', { code: code.trim(), callsign: callsign.trim(), department: dep, kind, homeBase, crew: names });
      push(`${unit ? t('unitSaved') : t('unitAdded')}: ${saved.callsign}`, 'success');
      onDone(saved);
    } catch (err) {
      if (err instanceof ApiRequestError && err.fields.length) setFieldErrors(Object.fromEntries(err.fields.map((f) => [f.field.replace(/^homeBase\./, ''), f.message])));
      push(`${t('error')}: ${describeError(err)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  const err = (f: string): ReactNode =>
    fieldErrors[f] ? (
      <span className="field-error" role="alert">
        {fieldErrors[f]}
      </span>
    ) : null;
  return (
    <form className="form unit-form" onSubmit={(e) => void submit(e)} aria-label={unit ? t('editUnit') : t('newUnit')} data-testid="unit-form">
      <h3>{unit ? `${t('editUnit')} · ${unit.code}` : t('newUnit')}</h3>
      {unit ? null : (
        <label>
          {t('unitCode')}
          <input required value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} pattern="[A-Z0-9][A-Z0-9\-]{1,31}" placeholder="BSB-VUCI-07" />
          {err('code')}
        </label>
      )}
      <label>
        {t('callsign')}
        <input required maxLength={40} value={callsign} onChange={(e) => setCallsign(e.target.value)} placeholder="VUCI 07" />
        {err('callsign')}
      </label>
      {unit || department ? null : (
        <label>
          {t('department')}
          <select
            value={dep}
            onChange={(e) => {
              const d = e.target.value as Department;
              setDep(d);
              setKind(kindsOf(d, catalogue)[0] ?? '');
            }}
          >
            {UNIT_DEPARTMENTS.map((d) => (
              <option key={d} value={d}>
                {label(DEPARTMENT_LABELS, d)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value)}>
          {kindsOf(dep, catalogue).map((k) => (
            <option key={k} value={k}>
              {label(UNIT_KIND_LABELS, k)}
            </option>
          ))}
        </select>
        {err('kind')}
      </label>
      <div className="row">
        <label>
          {t('baseLat')}
          <input required inputMode="decimal" value={lat} onChange={(e) => setLat(e.target.value)} placeholder="41.1496" />
          {err('lat')}
        </label>
        <label>
          {t('baseLon')}
          <input required inputMode="decimal" value={lon} onChange={(e) => setLon(e.target.value)} placeholder="-8.6063" />
          {err('lon')}
        </label>
      </div>
      <label>
        {t('homeBase')}
        <input maxLength={300} value={address} onChange={(e) => setAddress(e.target.value)} />
      </label>
      <label>
        {t('crewOnePerLine')}
        <textarea value={crew} onChange={(e) => setCrew(e.target.value)} />
        {err('crew')}
      </label>
      <div className="detail__actions">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {unit ? t('save') : t('addUnit')}
        </button>
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          {t('back')}
        </button>
      </div>
    </form>
  );
}
