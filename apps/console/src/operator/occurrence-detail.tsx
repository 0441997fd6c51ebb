import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { DEPARTMENTS, PRIORITIES, type Department, type OccurrenceDetail, type OccurrenceView, type Priority, type Role } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { describeError } from '../common/describe-error';
import { EscalationBadge, PriorityBadge } from '../common/priority-badge';
import { useToasts } from '../common/toasts';
import { DEPARTMENT_LABELS, EVENT_LABELS, SOURCE_LABELS, STATUS_LABELS, UNIT_REASON_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useLive } from '../live/live-context';
import { NearbyAssets } from '../assets/nearby-assets';
import { OccurrenceUnits } from '../units/occurrence-units';
import { ReportPublicationPanel, showsReportPublication } from './report-publication';

const ASSIGNABLE = DEPARTMENTS;

/**
 * Occurrence detail for CGI: timeline, assignments and acknowledgements, routing and its override, merge, notes,
 * and for a citizen report its publication on Open311 (to the roles the API allows).
 */
export function OccurrenceDetailPanel({
  api,
  id,
  role,
  onClose,
  onSelect,
  onSelectUnit,
  onProposals,
  onSelectAsset,
}: {
  api: ApiClient;
  id: string;
  role: Role;
  onClose: () => void;
  onSelect: (id: string) => void;
  onSelectUnit?: (id: string) => void;
  onProposals?: (unitIds: string[]) => void;
  onSelectAsset?: (id: string) => void;
}): ReactNode {
  const { t, label, category, time } = useI18n();
  const { store, onEvent } = useLive();
  const { push } = useToasts();
  const [d, setD] = useState<OccurrenceDetail | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setD(await api.get<OccurrenceDetail>(`/occurrences/${id}`));
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
    }
  }, [api, id, push, t]);

  useEffect(() => {
    setD(null);
    void load();
  }, [load]);

  // Live: refetch the detail when an event concerns it.
  useEffect(() => onEvent((e) => e.event.occurrenceId === id && void load()), [onEvent, id, load]);

  const run = async (path: string, body: Record<string, unknown> = {}): Promise<boolean> => {
    if (!d) return false;
    setBusy(true);
    try {
      const next = await api.post<OccurrenceDetail>(`/occurrences/${d.id}/${path}`, { version: d.version, ...body });
      setD(next);
      store.put(next);
      return true;
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (!d) return <aside className="detail" aria-busy="true">{t('loading')}</aside>;
  const s = d.status;
  return (
    <aside className="detail" aria-label={d.reference} data-testid="occurrence-detail">
      <header className="detail__head">
        <h2>
          <PriorityBadge priority={d.priority} /> <EscalationBadge level={d.escalationLevel} /> {category(d.category)}
        </h2>
        <button type="button" className="btn btn--ghost" onClick={onClose} aria-label={t('back')}>
          ✕
        </button>
      </header>
      <p className="detail__meta">
        <b>{d.reference}</b> · {label(STATUS_LABELS, s)} · {label(SOURCE_LABELS, d.source)} · {d.reportCount} {t('reports')} · {d.location.address ?? ''} ({d.location.parishName ?? '—'})
      </p>
      <p>{d.description}</p>
      <div className="detail__actions">
        {s === 'NEW' ? (
          <button type="button" className="btn btn--primary" disabled={busy} onClick={() => void run('triage')}>
            {t('triage')}
          </button>
        ) : null}
        {s === 'TRIAGED' ? (
          <button type="button" className="btn btn--primary" disabled={busy} onClick={() => void run('dispatch')}>
            {t('dispatch')}
          </button>
        ) : null}
        {s === 'RESOLVED' ? (
          <button type="button" className="btn" disabled={busy} onClick={() => void run('close')}>
            {t('close')}
          </button>
        ) : null}
        {s === 'MERGED' ? (
          <button type="button" className="btn" disabled={busy} onClick={() => void run('unmerge')}>
            {t('unmerge')}
          </button>
        ) : null}
      </div>
      {showsReportPublication(d, role) ? <ReportPublicationPanel api={api} occurrence={d} /> : null}

      <OccurrenceUnits api={api} occurrence={d} assignments={d.units ?? []} reload={load} onSelectUnit={onSelectUnit} onProposals={onProposals} />

      <NearbyAssets api={api} occurrenceId={d.id} onSelectAsset={onSelectAsset} />

      <section>
        <h3>{t('assignments')}</h3>
        <table className="table" data-testid="assignments">
          <thead>
            <tr>
              <th scope="col">{t('department')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('ackState')}</th>
              <th scope="col">{t('escalation')}</th>
            </tr>
          </thead>
          <tbody>
            {d.assignments.map((a) => (
              <tr key={`${a.department}-${a.role}`}>
                <th scope="row">
                  {label(DEPARTMENT_LABELS, a.department)} <small>({a.role === 'LEAD' ? t('lead') : a.role === 'SUPPORT' ? t('support') : t('coordinator')})</small>
                </th>
                <td>{label(STATUS_LABELS, a.state)}</td>
                <td>{a.acknowledgedAt ? `✓ ${time(a.acknowledgedAt)}` : a.acknowledgeDueAt ? `… ${time(a.acknowledgeDueAt)}` : t('none')}</td>
                <td>{a.escalationLevel}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section>
        <h3>{t('firedRules')}</h3>
        <ul className="fired">
          {d.routing.fired.map((f) => (
            <li key={f.rule}>
              <code>{f.rule}</code> {f.reason}
            </li>
          ))}
        </ul>
        {d.override ? (
          <p className="override">
            {t('overrideRouting')}: {label(DEPARTMENT_LABELS, d.override.lead)} / {d.override.priority} — {d.override.reason}
          </p>
        ) : null}
      </section>

      {['NEW', 'TRIAGED', 'DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE'].includes(s) ? (
        <>
          <OverrideForm busy={busy} current={d} onApply={(body) => run('routing-override', body)} />
          <MergeForm api={api} current={d} busy={busy} onMerge={(parentId) => run('merge', { parentId })} onSelect={onSelect} />
          <CancelForm busy={busy} onCancel={(reason) => run('cancel', { reason })} />
        </>
      ) : null}
      <NoteForm busy={busy} onAdd={(text) => run('notes', { text })} />

      <section>
        <h3>{t('timeline')}</h3>
        <ol className="timeline" data-testid="timeline">
          {d.timeline.map((e) => (
            <li key={e.position}>
              <time>{time(e.at)}</time> <b>{label(EVENT_LABELS, e.type)}</b> · {e.actor}
              {typeof e.payload.text === 'string' ? ` — ${e.payload.text}` : ''}
              {typeof e.payload.note === 'string' ? ` — ${e.payload.note}` : ''}
              {unitCallsign(e.payload) ? ` · ${unitCallsign(e.payload)}` : ''}
              {typeof e.payload.reason === 'string' ? ` — ${label(UNIT_REASON_LABELS, e.payload.reason)}` : ''}
              <OverrideText payload={e.payload} />
              {typeof e.payload.department === 'string' ? ` · ${label(DEPARTMENT_LABELS, e.payload.department)}` : ''}
              {typeof e.payload.level === 'string' ? ` · ${e.payload.level}` : ''}
            </li>
          ))}
        </ol>
      </section>
    </aside>
  );
}

/** UNIT_* events name their unit (UnitEventPayload). */
function unitCallsign(payload: Record<string, unknown>): string | null {
  const u = payload.unit;
  return u && typeof u === 'object' && typeof (u as { callsign?: unknown }).callsign === 'string' ? (u as { callsign: string }).callsign : null;
}

/** A ROUTING_OVERRIDDEN event carries the override (lead, priority, reason) beside the rules' decision. */
function overrideOf(payload: Record<string, unknown>): { lead: string; priority: string; reason: string } | null {
  const o = payload.override;
  if (!o || typeof o !== 'object') return null;
  const { lead, priority, reason } = o as Record<string, unknown>;
  return typeof lead === 'string' && typeof priority === 'string' && typeof reason === 'string' ? { lead, priority, reason } : null;
}

function OverrideText({ payload }: { payload: Record<string, unknown> }): ReactNode {
  const { label } = useI18n();
  const o = overrideOf(payload);
  return o ? ` — ${label(DEPARTMENT_LABELS, o.lead)} / ${o.priority} — ${o.reason}` : null;
}

function OverrideForm({ current, busy, onApply }: { current: OccurrenceView; busy: boolean; onApply: (b: { lead: Department; support: Department[]; priority: Priority; reason: string }) => Promise<boolean> }): ReactNode {
  const { t, label } = useI18n();
  const [lead, setLead] = useState<Department>(current.lead);
  const [support, setSupport] = useState<Department[]>(current.assignments.filter((a) => a.role === 'SUPPORT').map((a) => a.department));
  const [priority, setPriority] = useState<Priority>(current.priority);
  const [reason, setReason] = useState('');
  return (
    <details className="subform">
      <summary>{t('overrideRouting')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void onApply({ lead, support: support.filter((d) => d !== lead), priority, reason }).then((ok) => ok && setReason(''));
        }}
      >
        <label>
          {t('lead')}
          <select value={lead} onChange={(e) => setLead(e.target.value as Department)}>
            {ASSIGNABLE.map((d) => (
              <option key={d} value={d}>
                {label(DEPARTMENT_LABELS, d)}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>{t('support')}</legend>
          {ASSIGNABLE.filter((d) => d !== lead).map((d) => (
            <label key={d} className="check">
              <input type="checkbox" checked={support.includes(d)} onChange={(e) => setSupport(e.target.checked ? [...support, d] : support.filter((x) => x !== d))} />{' '}
              {label(DEPARTMENT_LABELS, d)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('priority')}
          <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
            {PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          {t('reason')}
          <input required minLength={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <button type="submit" className="btn" disabled={busy || reason.trim().length < 3}>
          {t('apply')}
        </button>
      </form>
    </details>
  );
}

function MergeForm({ api, current, busy, onMerge, onSelect }: { api: ApiClient; current: OccurrenceView; busy: boolean; onMerge: (parentId: string) => Promise<boolean>; onSelect: (id: string) => void }): ReactNode {
  const { t, category, label } = useI18n();
  const [candidates, setCandidates] = useState<OccurrenceView[] | null>(null);
  const find = async (): Promise<void> => {
    const page = await api.get<{ items: OccurrenceView[] }>('/occurrences', {
      near: `${current.location.lat},${current.location.lon}`,
      radius: 300,
      status: ['NEW', 'TRIAGED', 'DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE'],
      limit: 20,
    });
    setCandidates(page.items.filter((o) => o.id !== current.id).sort((a, b) => Number(b.category === current.category) - Number(a.category === current.category)));
  };
  return (
    <details className="subform" onToggle={(e) => (e.currentTarget.open && candidates === null ? void find().catch(() => setCandidates([])) : undefined)}>
      <summary>{t('merge')}</summary>
      <h4>{t('nearbyCandidates')}</h4>
      {candidates && !candidates.length ? <p className="muted">{t('noCandidates')}</p> : null}
      <ul className="candidates" data-testid="merge-candidates">
        {(candidates ?? []).map((o) => (
          <li key={o.id}>
            <button type="button" className="link" onClick={() => onSelect(o.id)}>
              {o.reference}
            </button>{' '}
            · {category(o.category)} · {label(STATUS_LABELS, o.status)} · {o.location.address ?? ''}{' '}
            <button type="button" className="btn btn--small" disabled={busy} onClick={() => void onMerge(o.id)}>
              {t('mergeInto')}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

function CancelForm({ busy, onCancel }: { busy: boolean; onCancel: (reason: string) => Promise<boolean> }): ReactNode {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  return (
    <details className="subform">
      <summary>{t('cancel')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void onCancel(reason);
        }}
      >
        <label>
          {t('reason')}
          <input required minLength={3} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <button type="submit" className="btn btn--danger" disabled={busy || reason.trim().length < 3}>
          {t('cancel')}
        </button>
      </form>
    </details>
  );
}

function NoteForm({ busy, onAdd }: { busy: boolean; onAdd: (text: string) => Promise<boolean> }): ReactNode {
  const { t } = useI18n();
  const [text, setText] = useState('');
  return (
    <form
      className="form note-form"
      onSubmit={(e) => {
        e.preventDefault();
        void onAdd(text).then((ok) => ok && setText(''));
      }}
    >
      <label>
        {t('note')}
        <textarea value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} />
      </label>
      <button type="submit" className="btn" disabled={busy || !text.trim()}>
        {t('addNote')}
      </button>
    </form>
  );
}
