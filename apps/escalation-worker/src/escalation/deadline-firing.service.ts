import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  decideDeadlines,
  escalationNotice,
  type AssignmentClock,
  type DeadlineDecision,
  type DeadlineOutcome,
  type EscalationLadders,
  type OccurrenceClock,
  type PendingDeadline,
} from '@cgi/domain';
import type { AssignmentRole, Department, EscalationLevel } from '@cgi/shared';
import { appendEvents, type NewEvent } from '../api';
import { MetricsService } from '../metrics/metrics.service';
import { InAppChannel, WebhookChannel, type NotificationChannel } from '../notifications/notification-channel';

export const WORKER_ACTOR = 'system:escalation-worker';

const PENDING = `d.fired_at IS NULL AND d.cancelled_at IS NULL`;
/** A rule set that is gone (never: versions are kept) tells nobody rather than failing the batch. */
const NO_LADDERS: EscalationLadders = { escalation: [], supportEscalation: { SUPPORT: [], COORDINATOR: [] } };

interface LockedOccurrence {
  id: string;
  status: string;
  lead_department: Department;
  resolved_at: Date | null;
  rule_set_version: number;
}

interface DeadlineRecord {
  id: string;
  occurrence_id: string;
  department: Department;
  role: AssignmentRole;
  kind: PendingDeadline['kind'];
  level: PendingDeadline['level'];
  due_at: Date;
}

interface AssignmentRecord {
  occurrence_id: string;
  department: Department;
  role: AssignmentRole;
  state: string;
  acknowledged_at: Date | null;
  on_scene_at: Date | null;
  escalation_level: EscalationLevel;
}

/** What one firing transaction did. */
export interface FiringResult {
  /** Deadline rows the batch's lock query returned (a full batch means more may be due). */
  claimed: number;
  decisions: DeadlineDecision[];
}

/** Rows by key, in their order (a batch holds hundreds of occurrences: one pass, not one filter each). */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

const toDeadline = (r: DeadlineRecord): PendingDeadline =>
  ({ id: r.id, occurrenceId: r.occurrence_id, department: r.department, role: r.role, kind: r.kind, level: r.level, dueAt: r.due_at });

/**
 * Fires escalation deadlines, many at once. Whatever it fires, it holds the occurrences' row
 * locks (the lock every API command on the occurrence takes too), re-reads the pending rows and
 * the clock state after the lock, lets the pure domain decide (`decideDeadlines`), and writes
 * every outcome with a handful of set-based statements in that one transaction: deadline rows
 * closed by a conditional update (still pending, or the whole transaction is rolled back),
 * assignments' and occurrences' levels raised, notification records, one ESCALATED event each.
 *
 * `fireDue` takes the due deadlines of occurrences nobody holds (FOR UPDATE SKIP LOCKED): workers
 * running it at once get disjoint occurrences and never wait on each other or on the API.
 * `fireOne` is the path of a timer whose row a batch could not take: it waits for the lock.
 */
@Injectable()
export class DeadlineFiring {
  private readonly channels: NotificationChannel[];
  private readonly ladders = new Map<number, EscalationLadders>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly metrics: MetricsService,
    inApp: InAppChannel,
    webhook: WebhookChannel,
  ) {
    this.channels = [inApp, webhook];
  }

  /** Fires the due deadlines of up to `limit` deadline rows' occurrences not locked by anyone else, in due order. */
  async fireDue(limit: number): Promise<FiringResult> {
    const result = await this.ds.transaction(async (m): Promise<FiringResult> => {
      // The join's rows are deadline rows; only the occurrences are locked, skipping the held ones
      // (skipped rows do not count towards the limit).
      const claimed: Array<LockedOccurrence & { deadline_id: string }> = await m.query(
        `SELECT o.id, o.status, o.lead_department, o.resolved_at, o.rule_set_version, d.id::text AS deadline_id
           FROM escalation_deadlines d JOIN occurrences o ON o.id = d.occurrence_id
          WHERE ${PENDING} AND d.due_at <= now()
          ORDER BY d.due_at
          LIMIT $1
          FOR UPDATE OF o SKIP LOCKED`,
        [limit],
      );
      if (claimed.length === 0) return { claimed: 0, decisions: [] };
      const occurrences = new Map(claimed.map((o) => [o.id, o]));
      // Read after the lock (a new snapshot): whoever held these occurrences before has committed.
      // Every row of these occurrences, the pending due ones kept here: the only index that applies is the
      // one on occurrence_id, so it is a lookup per occurrence whatever the table's statistics say.
      const rows: Array<DeadlineRecord & { due: boolean }> = await m.query(
        `SELECT d.id::text AS id, d.occurrence_id, d.department, d.role, d.kind, d.level, d.due_at, (${PENDING} AND d.due_at <= now()) AS due
           FROM escalation_deadlines d
          WHERE d.occurrence_id = ANY($1::uuid[])`,
        [[...occurrences.keys()]],
      );
      return { claimed: claimed.length, decisions: await this.decideAndWrite(m, occurrences, rows.filter((r) => r.due)) };
    });
    this.record(result.decisions);
    return result;
  }

  /**
   * Fires one deadline whose timer went off (and before it any lower rung of the same ladder still
   * pending), waiting for the occurrence's lock. Returns its outcome, or null when it was no longer pending.
   */
  async fireOne(deadlineId: string): Promise<DeadlineOutcome | null> {
    const decisions = await this.ds.transaction(async (m): Promise<DeadlineDecision[]> => {
      const [head]: Array<{ occurrence_id: string }> = await m.query(
        `SELECT occurrence_id FROM escalation_deadlines WHERE id = $1`, [deadlineId],
      );
      if (!head) return [];
      const locked: LockedOccurrence[] = await m.query(
        `SELECT id, status, lead_department, resolved_at, rule_set_version FROM occurrences WHERE id = $1 FOR UPDATE`,
        [head.occurrence_id],
      );
      const rows: DeadlineRecord[] = await m.query(
        `SELECT d.id::text AS id, d.occurrence_id, d.department, d.role, d.kind, d.level, d.due_at
           FROM escalation_deadlines d JOIN escalation_deadlines t ON t.id = $1
          WHERE d.occurrence_id = t.occurrence_id AND d.department = t.department AND d.role = t.role
            AND ${PENDING} AND (d.id = t.id OR d.due_at <= t.due_at)`,
        [deadlineId],
      );
      if (!rows.some((d) => d.id === deadlineId)) return [];
      return this.decideAndWrite(m, new Map(locked.map((o) => [o.id, o])), rows);
    });
    this.record(decisions);
    return decisions.find((d) => d.deadline.id === deadlineId)?.outcome ?? null;
  }

  /** Which of these deadline rows are still pending. */
  async pendingOf(deadlineIds: string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.ds.query(
      `SELECT d.id::text AS id FROM escalation_deadlines d WHERE d.id = ANY($1::bigint[]) AND ${PENDING}`, [deadlineIds],
    );
    return rows.map((r) => r.id);
  }

  /** Decides the pending rows of the locked occurrences and writes every outcome, set-based. */
  private async decideAndWrite(m: EntityManager, occurrences: Map<string, LockedOccurrence>, rows: DeadlineRecord[]): Promise<DeadlineDecision[]> {
    if (rows.length === 0) return [];
    const ids = [...new Set(rows.map((r) => r.occurrence_id))];
    const assignments: AssignmentRecord[] = await m.query(
      `SELECT occurrence_id, department, role, state, acknowledged_at, on_scene_at, escalation_level
         FROM occurrence_assignments WHERE occurrence_id = ANY($1::uuid[])`,
      [ids],
    );
    const assignmentsOf = groupBy(assignments, (a) => a.occurrence_id);
    const rowsOf = groupBy(rows, (r) => r.occurrence_id);
    const decisions: DeadlineDecision[] = [];
    for (const id of ids) {
      const o = occurrences.get(id)!;
      const clock: OccurrenceClock = { status: o.status, leadDepartment: o.lead_department, resolvedAt: o.resolved_at };
      const theirs: AssignmentClock[] = (assignmentsOf.get(id) ?? []).map((a) => ({
        department: a.department, role: a.role, state: a.state, acknowledgedAt: a.acknowledged_at, onSceneAt: a.on_scene_at, escalationLevel: a.escalation_level,
      }));
      decisions.push(...decideDeadlines((rowsOf.get(id) ?? []).map(toDeadline), clock, theirs));
    }

    // 1. Close every row, on the condition that it is still pending: anything else is a bug, and rolls back.
    const [{ n }]: Array<{ n: number }> = await m.query(
      `WITH u AS (
         UPDATE escalation_deadlines d
            SET fired_at = CASE WHEN x.outcome = 'ESCALATED' THEN now() END,
                cancelled_at = CASE WHEN x.outcome = 'ESCALATED' THEN NULL ELSE now() END,
                outcome = x.outcome
           FROM unnest($1::bigint[], $2::text[]) AS x(id, outcome)
          WHERE d.id = x.id AND ${PENDING}
          RETURNING d.id)
       SELECT count(*)::int AS n FROM u`,
      [decisions.map((d) => d.deadline.id), decisions.map((d) => d.outcome)],
    );
    if (n !== decisions.length) throw new Error(`escalation: ${decisions.length - n} deadline rows were no longer pending under their occurrence's lock`);

    const escalated = decisions.filter((d) => d.outcome === 'ESCALATED').map((d) => d.deadline);
    if (escalated.length > 0) await this.writeEscalations(m, occurrences, assignmentsOf, escalated);

    return decisions;
  }

  /** Metrics of a committed firing transaction. */
  private record(decisions: readonly DeadlineDecision[]): void {
    const now = Date.now();
    for (const d of decisions) {
      this.metrics.lateness.observe({ outcome: d.outcome }, Math.max(0, now - d.deadline.dueAt.getTime()) / 1000);
      if (d.outcome === 'ESCALATED') this.metrics.escalations.inc({ level: d.deadline.level });
    }
  }

  private async writeEscalations(
    m: EntityManager,
    occurrences: Map<string, LockedOccurrence>,
    assignmentsOf: Map<string, AssignmentRecord[]>,
    escalated: PendingDeadline[],
  ): Promise<void> {
    // 2. Levels: each assignment and occurrence to the highest level escalated (rows come in ladder order).
    const assignmentLevel = new Map<string, PendingDeadline>();
    const occurrenceLevel = new Map<string, { level: string; count: number }>();
    for (const d of escalated) {
      assignmentLevel.set(`${d.occurrenceId} ${d.department}`, d);
      const prev = occurrenceLevel.get(d.occurrenceId);
      occurrenceLevel.set(d.occurrenceId, { level: prev && prev.level > d.level ? prev.level : d.level, count: (prev?.count ?? 0) + 1 });
    }
    const a = [...assignmentLevel.values()];
    await m.query(
      `UPDATE occurrence_assignments a SET escalation_level = x.level
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS x(occurrence_id, department, level)
        WHERE a.occurrence_id = x.occurrence_id AND a.department = x.department`,
      [a.map((d) => d.occurrenceId), a.map((d) => d.department), a.map((d) => d.level)],
    );
    // Levels are 'L0'..'L3': text order is level order. One version step per escalation, as before batching.
    const o = [...occurrenceLevel];
    await m.query(
      `UPDATE occurrences o SET escalation_level = greatest(o.escalation_level, x.level), version = o.version + x.n, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::int[]) AS x(id, level, n)
        WHERE o.id = x.id`,
      [o.map(([id]) => id), o.map(([, v]) => v.level), o.map(([, v]) => v.count)],
    );

    // 3. Notification records and 4. one ESCALATED event per escalated row.
    const ladders = await this.escalationRules(m, [...new Set(escalated.map((d) => occurrences.get(d.occurrenceId)!.rule_set_version))]);
    const channels = this.channels.filter((c) => c.enabled());
    const notes: Array<[string, string, string, string, string, string | null, string, string, string]> = [];
    const events: NewEvent[] = [];
    for (const d of escalated) {
      const active = (assignmentsOf.get(d.occurrenceId) ?? []).filter((x) => x.state !== 'RELEASED').map((x) => x.department);
      const notice = escalationNotice(d, ladders.get(occurrences.get(d.occurrenceId)!.rule_set_version) ?? NO_LADDERS, active);
      const webhooks: string[] = [];
      for (const channel of channels) {
        for (const n of notice.notified) {
          const id = randomUUID();
          if (!channel.deliveredOnWrite) webhooks.push(id);
          notes.push([id, d.occurrenceId, d.id, d.level, n.recipient, n.department, channel.name, channel.deliveredOnWrite ? 'DELIVERED' : 'PENDING', notice.reason]);
        }
      }
      events.push({
        occurrenceId: d.occurrenceId,
        type: 'ESCALATED',
        actor: WORKER_ACTOR,
        departments: notice.departments,
        payload: {
          level: d.level, kind: d.kind, department: d.department, role: d.role, dueAt: d.dueAt.toISOString(),
          notified: notice.notified, reason: notice.reason, deadlineId: d.id, webhooks,
        },
      });
    }
    if (notes.length > 0) {
      const col = (i: number): unknown[] => notes.map((r) => r[i]);
      await m.query(
        `INSERT INTO notifications (id, occurrence_id, deadline_id, level, recipient_kind, recipient_department, channel, status, message, delivered_at)
         SELECT x.*, CASE WHEN x.status = 'DELIVERED' THEN now() END
           FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
             AS x(id, occurrence_id, deadline_id, level, recipient_kind, recipient_department, channel, status, message)`,
        [col(0), col(1), col(2), col(3), col(4), col(5), col(6), col(7), col(8)],
      );
    }
    await appendEvents(m, events);
  }

  /** A rule set version never changes once published: its ladders are read once per process. */
  private async escalationRules(m: EntityManager, versions: number[]): Promise<Map<number, EscalationLadders>> {
    const missing = versions.filter((v) => !this.ladders.has(v));
    if (missing.length > 0) {
      const rows: Array<{ version: number } & EscalationLadders> = await m.query(
        `SELECT version, document->'escalation' AS escalation, document->'supportEscalation' AS "supportEscalation"
           FROM rule_sets WHERE version = ANY($1::int[])`,
        [missing],
      );
      for (const r of rows) this.ladders.set(r.version, { escalation: r.escalation, supportEscalation: r.supportEscalation });
    }
    return this.ladders;
  }
}
