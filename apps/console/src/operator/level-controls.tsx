import { useState, type ReactNode } from 'react';
import { OPERATIONAL_LEVELS, type OperationalLevel } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { useReference } from '../api/reference';
import { describeError } from '../common/describe-error';
import { useToasts } from '../common/toasts';
import { LEVEL_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';

/** Operational levels per parish and city-wide; CGI supervisors set them (others see them). */
export function LevelControls({ api, canEdit }: { api: ApiClient; canEdit: boolean }): ReactNode {
  const { t, label } = useI18n();
  const { parishes, levelByScope, reloadLevels } = useReference();
  const scopes = [{ code: 'CITY', name: t('city') }, ...(parishes?.features ?? []).map((f) => ({ code: f.properties.code, name: f.properties.shortName }))];
  return (
    <section className="levels" aria-label={t('levels')}>
      {!canEdit ? <p className="muted">{t('onlySupervisors')}</p> : null}
      <table className="table">
        <tbody>
          {scopes.map((s) => (
            <LevelRow key={s.code} api={api} scope={s.code} name={s.name} level={levelByScope[s.code] ?? 'NORMAL'} canEdit={canEdit} onSet={reloadLevels} />
          ))}
        </tbody>
      </table>
      <p className="muted">{label(LEVEL_LABELS, 'NORMAL')} / {label(LEVEL_LABELS, 'ALERT')} / {label(LEVEL_LABELS, 'CRISIS')}</p>
    </section>
  );
}

function LevelRow({ api, scope, name, level, canEdit, onSet }: { api: ApiClient; scope: string; name: string; level: OperationalLevel; canEdit: boolean; onSet: () => Promise<void> }): ReactNode {
  const { t, label } = useI18n();
  const { push } = useToasts();
  const [next, setNext] = useState<OperationalLevel>(level);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const set = async (): Promise<void> => {
    setBusy(true);
    try {
      await api.put(`/operational-levels/${scope}`, { level: next, reason: reason.trim() });
      setReason('');
      await onSet();
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-scope={scope}>
      <th scope="row">{name}</th>
      <td className={`level-chip level-chip--${level.toLowerCase()}`}>{label(LEVEL_LABELS, level)}</td>
      {canEdit ? (
        <td>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              void set();
            }}
          >
            <select aria-label={`${t('setLevel')} ${name}`} value={next} onChange={(e) => setNext(e.target.value as OperationalLevel)}>
              {OPERATIONAL_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {label(LEVEL_LABELS, l)}
                </option>
              ))}
            </select>
            <input aria-label={`${t('reason')} ${name}`} placeholder={t('reason')} value={reason} required minLength={3} onChange={(e) => setReason(e.target.value)} />
            <button type="submit" className="btn btn--small" disabled={busy || next === level || reason.trim().length < 3}>
              {t('setLevel')}
            </button>
          </form>
        </td>
      ) : null}
    </tr>
  );
}
