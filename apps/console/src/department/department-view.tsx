import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Department, OccurrenceDetail, OccurrenceView, Role } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';
import { sounds } from '../common/alarm';
import { Countdown } from '../common/countdown';
import { describeError } from '../common/describe-error';
import { EscalationBadge, PriorityBadge } from '../common/priority-badge';
import { useToasts } from '../common/toasts';
import { assignmentOf, sortByUrgency } from '../common/urgency';
import { DEPARTMENT_LABELS, STATUS_LABELS } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useLive, useNow, useStoreRevision } from '../live/live-context';
import { NearbyAssets } from '../assets/nearby-assets';
import { OccurrenceUnits, UNIT_ASSIGNABLE } from '../units/occurrence-units';
import { isUnitEvent } from '../units/unit-store';
import { UnitDetailPanel } from '../units/unit-detail';
import { UnitForm } from '../units/unit-form';
import { UnitsPanel } from '../units/units-panel';

/** What is assigned to the department, most urgent first, with its countdown and the department's actions. */
export function DepartmentView({ api, department, role }: { api: ApiClient; department: Department; role?: Role }): ReactNode {
  const supervisor = role === 'DEPARTMENT_SUPERVISOR';
  const [unitOpen, setUnitOpen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const { t, label, category } = useI18n();
  const { store, units } = useLive();
  const { push } = useToasts();
  const revision = useStoreRevision(store);
  const unitRevision = useStoreRevision(units);
  const now = useNow(1000);
  const fleet = useMemo(() => {
    void unitRevision;
    return units.list().filter((u) => u.department === department);
  }, [units, unitRevision, department]);

  const items = useMemo(() => {
    void revision;
    return sortByUrgency(
      store.list().filter((o) => o.assignments.some((a) => a.department === department && a.state !== 'RELEASED')),
      department,
    );
  }, [store, revision, department]);

  useEffect(() => sounds.prepare(), []);
  useEffect(
    () =>
      store.onArrival((o) => {
        if (!o.assignments.some((a) => a.department === department)) return;
        sounds.chime();
        push(`${t('newAssignment')}: ${o.reference} · ${category(o.category)}`);
      }),
    [store, department, push, t, category],
  );

  return (
    <main className="department" data-testid="department-view">
      <h1 className="page-title">
        {label(DEPARTMENT_LABELS, department)} · {items.length} {t('open')}
      </h1>
      {fleet.length || supervisor ? (
        <details className="dep-units" data-testid="department-units">
          <summary>
            {t('ownUnits')} ({fleet.length}) · {fleet.filter((u) => u.status === 'AVAILABLE').length} {t('availableShort')}
          </summary>
          {adding ? (
            <UnitForm
              api={api}
              department={department}
              onCancel={() => setAdding(false)}
              onDone={(u) => {
                units.put(u);
                setAdding(false);
              }}
            />
          ) : null}
          {unitOpen ? (
            <UnitDetailPanel key={unitOpen} api={api} id={unitOpen} onClose={() => setUnitOpen(null)} onTrail={noTrail} showTrail={false} canManage={supervisor} />
          ) : null}
          <UnitsPanel units={units} selected={unitOpen} department={department} onSelect={setUnitOpen} onNew={supervisor ? () => setAdding(true) : undefined} />
        </details>
      ) : null}
      {items.length === 0 ? <p className="empty">{t('nothingAssigned')}</p> : null}
      <ul className="cards" data-testid="department-list">
        {items.map((o) => (
          <AssignmentCard key={o.id} api={api} occurrence={o} department={department} now={now} onDone={(d) => store.put(d)} />
        ))}
      </ul>
    </main>
  );
}

function AssignmentCard({ api, occurrence: o, department, now, onDone }: { api: ApiClient; occurrence: OccurrenceView; department: Department; now: number; onDone: (d: OccurrenceDetail) => void }): ReactNode {
  const { t, label, category, time } = useI18n();
  const { push } = useToasts();
  const [busy, setBusy] = useState(false);
  const [resolving, setResolving] = useState(false);
  const [note, setNote] = useState('');
  const [publicNote, setPublicNote] = useState('');
  const a = assignmentOf(o, department);
  const isLead = o.lead === department;

  const run = async (path: string, body: Record<string, unknown> = {}): Promise<void> => {
    setBusy(true);
    try {
      onDone(await api.post<OccurrenceDetail>(`/occurrences/${o.id}/${path}`, { version: o.version, ...body }));
      setResolving(false);
    } catch (e) {
      push(`${t('error')}: ${describeError(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`card card--${o.escalationLevel.toLowerCase()}`} data-reference={o.reference} data-testid="assignment-card">
      <div className="card__head">
        <PriorityBadge priority={o.priority} />
        <EscalationBadge level={o.escalationLevel} />
        <h2 className="card__title">{category(o.category)}</h2>
        <Countdown occurrence={o} department={department} now={now} />
      </div>
      <p className="card__meta">
        <span>{o.reference}</span> · <span data-testid="card-status">{label(STATUS_LABELS, a?.state ?? o.status)}</span> · {a?.role === 'LEAD' ? t('lead') : a?.role === 'COORDINATOR' ? t('coordinator') : t('support')} · {o.location.address ?? o.location.parishName ?? ''} ·{' '}
        {t('createdAt')} {time(o.createdAt)}
      </p>
      {a && a.escalationLevel !== 'L0' ? (
        <p className={`card__escalated card__escalated--${a.escalationLevel.toLowerCase()}`} data-testid="own-escalation">
          ▲ {a.escalationLevel} · {t('ownEscalation')}
        </p>
      ) : null}
      <p className="card__desc">{o.description}</p>
      <div className="card__actions">
        {a?.state === 'PENDING' ? (
          <button type="button" className="btn btn--primary" disabled={busy} onClick={() => void run('acknowledge')}>
            {t('acknowledge')}
          </button>
        ) : null}
        {a?.state === 'ACKNOWLEDGED' ? (
          <button type="button" className="btn" disabled={busy} onClick={() => void run('on-scene')}>
            {t('onScene')}
          </button>
        ) : null}
        {isLead && (a?.state === 'ACKNOWLEDGED' || a?.state === 'ON_SCENE') && !resolving ? (
          <button type="button" className="btn" disabled={busy} onClick={() => setResolving(true)}>
            {t('resolve')}
          </button>
        ) : null}
      </div>
      <CardUnits api={api} occurrence={o} department={department} />
      <CardAssets api={api} occurrenceId={o.id} />
      {resolving ? (
        <form
          className="card__resolve"
          onSubmit={(e) => {
            e.preventDefault();
            void run('resolve', { note, ...(publicNote ? { publicNote } : {}) });
          }}
        >
          <label>
            {t('resolutionNote')}
            <textarea required value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} />
          </label>
          <label>
            {t('publicNote')}
            <textarea value={publicNote} onChange={(e) => setPublicNote(e.target.value)} maxLength={4000} />
          </label>
          <button type="submit" className="btn btn--primary" disabled={busy || !note.trim()}>
            {t('resolve')}
          </button>
          <button type="button" className="btn btn--ghost" onClick={() => setResolving(false)}>
            {t('back')}
          </button>
        </form>
      ) : null}
    </li>
  );
}

const noTrail = (): void => undefined;

/** The cameras and assets near the occurrence, read when the agent opens them (a phone on the move). */
function CardAssets({ api, occurrenceId }: { api: ApiClient; occurrenceId: string }): ReactNode {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details className="card__assets" onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="card-assets">
      <summary>{t('nearbyAssets')}</summary>
      {open ? <NearbyAssets api={api} occurrenceId={occurrenceId} /> : null}
    </details>
  );
}

/**
 * The department's units on the occurrence (read from the detail: assignments, the geofence's on-scene
 * proposal to confirm), and on request the nearest of its available units to assign.
 */
function CardUnits({ api, occurrence: o, department }: { api: ApiClient; occurrence: OccurrenceView; department: Department }): ReactNode {
  const { t } = useI18n();
  const { units, onEvent } = useLive();
  const revision = useStoreRevision(units);
  const [detail, setDetail] = useState<OccurrenceDetail | null>(null);
  const [assigning, setAssigning] = useState(false);
  const key = useMemo(() => {
    void revision;
    return units
      .onOccurrence(o.id)
      .map((u) => `${u.id}:${u.version}`)
      .join(',');
  }, [units, revision, o.id]);
  const load = useCallback(async () => {
    setDetail(await api.get<OccurrenceDetail>(`/occurrences/${o.id}`));
  }, [api, o.id]);
  useEffect(() => {
    if (key || assigning) void load().catch(() => undefined);
  }, [key, assigning, load]);
  useEffect(() => onEvent((e) => (e.event.occurrenceId === o.id && isUnitEvent(e) ? void load().catch(() => undefined) : undefined)), [onEvent, o.id, load]);

  const mine = (detail?.units ?? []).filter((u) => u.department === department);
  const canAssign = UNIT_ASSIGNABLE.includes(o.status);
  if (!mine.length && !assigning && !canAssign) return null;
  return (
    <div className="card__units" data-testid="card-units">
      {mine.length || assigning ? <OccurrenceUnits api={api} occurrence={o} assignments={mine} reload={load} department={department} canAssign={assigning} /> : null}
      {canAssign ? (
        <button type="button" className="btn btn--small btn--ghost" onClick={() => setAssigning(!assigning)} aria-expanded={assigning}>
          {assigning ? t('hideProposals') : t('assignUnit')}
        </button>
      ) : null}
    </div>
  );
}
