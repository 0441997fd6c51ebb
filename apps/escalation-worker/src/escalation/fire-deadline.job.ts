import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, type Job } from 'bullmq';
import type { DataSource, EntityManager } from 'typeorm';
import { isTriggerMet } from '@cgi/domain';
import { ESCALATION_LEVELS, type DeadlineKind, type Department, type EscalationLevel, type EscalationRule } from '@cgi/shared';
import { appendEvents } from '../api';
import type { JobHandler } from '../jobs/job-handler';
import { JobName, type JobPayloads } from '../jobs/job-names';
import { MetricsService } from '../metrics/metrics.service';
import { InAppChannel, WebhookChannel, type NotificationChannel } from '../notifications/notification-channel';

export const WORKER_ACTOR = 'system:escalation-worker';

type Recipient = EscalationRule['notify'][number];
type Outcome = 'ESCALATED' | 'MET' | 'LEVEL_REACHED' | 'SUPERSEDED';

interface Deadline {
  id: string;
  occurrence_id: string;
  department: Department;
  kind: DeadlineKind;
  level: 'L1' | 'L2' | 'L3';
  due_at: Date;
}

const rank = (l: EscalationLevel): number => ESCALATION_LEVELS.indexOf(l);

const REASONS: Record<DeadlineKind, string> = {
  ACKNOWLEDGE: 'has not acknowledged',
  ON_SCENE: 'is not on scene',
  RESOLVE: 'has not resolved',
};

/** Who a recipient kind is, for the department the deadline concerns. */
function recipientDepartment(r: Recipient, department: Department): Department | null {
  switch (r) {
    case 'DEPARTMENT':
    case 'DEPARTMENT_SUPERVISOR':
      return department;
    case 'CGI_SUPERVISOR':
      return 'CGI';
    case 'CIVIL_PROTECTION':
      return 'CIVIL_PROTECTION';
    case 'MUNICIPAL_COORDINATOR':
      return null;
  }
}

/**
 * A deadline's timer went off. In one transaction holding the occurrence's row lock: if the
 * deadline row is still pending and its condition still unmet, mark it fired, raise the
 * assignment's and occurrence's escalation level, write the notification records and exactly one
 * ESCALATED event; otherwise close the row (met, level already reached, superseded). However many
 * times or workers run it, the row lock and the pending check make it happen once.
 */
@Injectable()
export class FireDeadlineJob implements JobHandler<JobName.FireDeadline> {
  readonly jobName = JobName.FireDeadline;
  private readonly channels: NotificationChannel[];
  private readonly ladders = new Map<number, EscalationRule[]>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly metrics: MetricsService,
    inApp: InAppChannel,
    webhook: WebhookChannel,
  ) {
    this.channels = [inApp, webhook];
  }

  async handle({ deadlineId, dueAt }: JobPayloads[JobName.FireDeadline], job: Job, token?: string): Promise<void> {
    const due = Date.parse(dueAt);
    if (due > Date.now() + 5 && token) {
      // Fired early (clock skew between hosts): wait for the deadline itself.
      await job.moveToDelayed(due, token);
      throw new DelayedError();
    }
    const outcome = await this.fire(deadlineId);
    if (outcome) this.metrics.lateness.observe({ outcome }, Math.max(0, Date.now() - due) / 1000);
  }

  /**
   * Processes one deadline row, and before it any lower rung of the same ladder that is due too
   * and still pending (a late L1 is written before the L2 that overtook it, never skipped).
   * Returns what became of the row, or null when it was no longer pending.
   */
  async fire(deadlineId: string): Promise<Outcome | null> {
    return this.ds.transaction(async (m) => {
      const [head]: Array<{ occurrence_id: string }> = await m.query(
        `SELECT occurrence_id FROM escalation_deadlines WHERE id = $1`, [deadlineId],
      );
      if (!head) return null;
      const [occ]: Array<{ status: string; lead_department: Department; resolved_at: Date | null; rule_set_version: number }> = await m.query(
        `SELECT status, lead_department, resolved_at, rule_set_version FROM occurrences WHERE id = $1 FOR UPDATE`,
        [head.occurrence_id],
      );
      // Read after the lock: a concurrent firing of the same occurrence has committed by now.
      const due: Deadline[] = await m.query(
        `SELECT d.id::text AS id, d.occurrence_id, d.department, d.kind, d.level, d.due_at
           FROM escalation_deadlines d JOIN escalation_deadlines t ON t.id = $1
          WHERE d.occurrence_id = t.occurrence_id AND d.department = t.department
            AND d.fired_at IS NULL AND d.cancelled_at IS NULL AND (d.id = t.id OR d.due_at <= t.due_at)
          ORDER BY d.due_at, d.level, d.kind`,
        [deadlineId],
      );
      if (!due.some((d) => d.id === deadlineId)) return null;
      const [a]: Array<{ state: string; acknowledged_at: Date | null; on_scene_at: Date | null; escalation_level: EscalationLevel }> = await m.query(
        `SELECT state, acknowledged_at, on_scene_at, escalation_level FROM occurrence_assignments
          WHERE occurrence_id = $1 AND department = $2`,
        [head.occurrence_id, due[0].department],
      );
      let reached = a?.escalation_level ?? 'L0';
      let result: Outcome | null = null;
      for (const d of due) {
        let outcome: Outcome;
        if (!a || a.state === 'RELEASED' || occ.lead_department !== d.department) {
          outcome = 'SUPERSEDED';
        } else if (isTriggerMet(d.kind, {
          acknowledgedAt: a.acknowledged_at,
          onSceneAt: a.on_scene_at,
          resolvedAt: occ.resolved_at,
          closedOrCancelled: ['CLOSED', 'CANCELLED', 'MERGED'].includes(occ.status),
        })) {
          outcome = 'MET';
        } else if (rank(reached) >= rank(d.level)) {
          // Never downwards, and one ESCALATED event per level per occurrence-department.
          outcome = 'LEVEL_REACHED';
        } else {
          outcome = 'ESCALATED';
        }
        if (outcome === 'ESCALATED') {
          await this.escalate(m, d, occ.rule_set_version);
          reached = d.level;
        } else {
          await m.query(`UPDATE escalation_deadlines SET cancelled_at = now(), outcome = $2 WHERE id = $1`, [d.id, outcome]);
        }
        if (d.id === deadlineId) result = outcome;
      }
      return result;
    });
  }

  /** A rule set version never changes once published: its ladder is read once per process. */
  private async escalationRules(m: EntityManager, version: number): Promise<EscalationRule[]> {
    let rules = this.ladders.get(version);
    if (!rules) {
      const [{ escalation }]: Array<{ escalation: EscalationRule[] }> = await m.query(
        `SELECT document->'escalation' AS escalation FROM rule_sets WHERE version = $1`, [version],
      );
      rules = escalation;
      this.ladders.set(version, rules);
    }
    return rules;
  }

  private async escalate(m: EntityManager, d: Deadline, ruleSetVersion: number): Promise<void> {
    await m.query(`UPDATE escalation_deadlines SET fired_at = now(), outcome = 'ESCALATED' WHERE id = $1`, [d.id]);
    await m.query(
      `UPDATE occurrence_assignments SET escalation_level = $3 WHERE occurrence_id = $1 AND department = $2`,
      [d.occurrence_id, d.department, d.level],
    );
    // Levels are 'L0'..'L3': text order is level order.
    await m.query(
      `UPDATE occurrences SET escalation_level = greatest(escalation_level, $2), version = version + 1, updated_at = now() WHERE id = $1`,
      [d.occurrence_id, d.level],
    );
    const rule = (await this.escalationRules(m, ruleSetVersion)).find((r) => r.level === d.level);
    const notified = (rule?.notify ?? []).map((recipient) => ({ recipient, department: recipientDepartment(recipient, d.department) }));
    const reason = `${d.department} ${REASONS[d.kind]} by ${d.due_at.toISOString()} (${d.kind.toLowerCase().replace('_', ' ')} deadline, ${d.level})`;
    const webhooks: string[] = [];
    const rows: unknown[][] = [];
    for (const channel of this.channels.filter((c) => c.enabled())) {
      for (const n of notified) {
        const id = randomUUID();
        if (!channel.deliveredOnWrite) webhooks.push(id);
        rows.push([id, d.occurrence_id, d.id, d.level, n.recipient, n.department, channel.name, channel.deliveredOnWrite ? 'DELIVERED' : 'PENDING', reason]);
      }
    }
    if (rows.length > 0) {
      const cols = rows[0].length;
      await m.query(
        `INSERT INTO notifications (id, occurrence_id, deadline_id, level, recipient_kind, recipient_department, channel, status, message, delivered_at)
         VALUES ${rows.map((_, i) => `(${Array.from({ length: cols }, (__, j) => `$${i * cols + j + 1}`).join(', ')}, CASE WHEN $${i * cols + 8} = 'DELIVERED' THEN now() END)`).join(', ')}`,
        rows.flat(),
      );
    }
    const active: Array<{ department: Department }> = await m.query(
      `SELECT department FROM occurrence_assignments WHERE occurrence_id = $1 AND state <> 'RELEASED'`, [d.occurrence_id],
    );
    const departments = [...new Set<Department>([
      ...active.map((r) => r.department),
      ...notified.flatMap((n) => (n.department ? [n.department] : [])),
    ])].sort();
    await appendEvents(m, [{
      occurrenceId: d.occurrence_id,
      type: 'ESCALATED',
      actor: WORKER_ACTOR,
      departments,
      payload: {
        level: d.level, kind: d.kind, department: d.department, dueAt: d.due_at.toISOString(),
        notified, reason, deadlineId: d.id, webhooks,
      },
    }]);
    this.metrics.escalations.inc({ level: d.level });
  }
}
