import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { assignmentTriggers, computeDeadlines } from '@cgi/domain';
import type { AssignmentRole, DeadlineKind, Department, EscalationLevel, Priority, RoutingDecision, RoutingOverride, RuleSetDocument } from '@cgi/shared';
import { Env } from '../config/env';
import { effectiveRouting, plannedAssignments } from './assignment-planner';

/** An escalation deadline to write: the escalation worker fires it when due. */
export interface NewDeadline {
  department: Department;
  /** Whose ladder: the lead's (governance.md §6) or a support / coordinator department's (ADR 0017). */
  role: AssignmentRole;
  kind: DeadlineKind;
  level: EscalationLevel;
  dueAt: Date;
}

/** What intake writes for an occurrence dispatched as it is taken in. */
export interface NewDispatch {
  departments: Department[];
  assignments: Array<{ department: Department; role: AssignmentRole }>;
  due: { acknowledgeDueAt: Date; onSceneDueAt: Date | null; resolveDueAt: Date };
  deadlines: NewDeadline[];
}

/** Why a pending escalation deadline stopped without escalating. */
export type DeadlineStop = 'MET' | 'SUPERSEDED' | 'RELEASED';

/**
 * Writes the per-department assignments and their deadlines, frozen at dispatch, and every
 * assignment's escalation deadlines that the escalation worker fires: the lead's ladder
 * (governance.md §6) and each support and coordinator department's own (ADR 0017).
 */
@Injectable()
export class AssignmentWriter {
  constructor(private readonly env: Env) {}

  /**
   * Assigns every department of the effective routing. Departments already assigned keep their
   * acknowledgement and deadlines unless `restartClocks`; departments no longer routed are released.
   * Returns the departments now assigned.
   */
  async dispatch(
    m: EntityManager,
    occurrenceId: string,
    routing: RoutingDecision,
    override: RoutingOverride | null,
    doc: RuleSetDocument,
    now: Date,
    restartClocks = true,
  ): Promise<Department[]> {
    const effective = effectiveRouting(routing, override);
    const planned = plannedAssignments(effective);
    const due = this.scaled(now, computeDeadlines(now, effective.priority, doc));
    for (const a of planned) {
      await m.query(
        `INSERT INTO occurrence_assignments (occurrence_id, department, role, state, assigned_at,
            acknowledge_due_at, on_scene_due_at, resolve_due_at)
         VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7)
         ON CONFLICT (occurrence_id, department) DO UPDATE SET role = EXCLUDED.role,
           state = CASE WHEN $8 OR occurrence_assignments.state = 'RELEASED' THEN 'PENDING' ELSE occurrence_assignments.state END,
           assigned_at = CASE WHEN $8 OR occurrence_assignments.state = 'RELEASED' THEN EXCLUDED.assigned_at ELSE occurrence_assignments.assigned_at END,
           acknowledged_at = CASE WHEN $8 OR occurrence_assignments.state = 'RELEASED' THEN NULL ELSE occurrence_assignments.acknowledged_at END,
           acknowledged_by = CASE WHEN $8 OR occurrence_assignments.state = 'RELEASED' THEN NULL ELSE occurrence_assignments.acknowledged_by END,
           on_scene_at = CASE WHEN $8 OR occurrence_assignments.state = 'RELEASED' THEN NULL ELSE occurrence_assignments.on_scene_at END,
           released_at = NULL,
           acknowledge_due_at = CASE WHEN $8 OR occurrence_assignments.state = 'RELEASED' THEN EXCLUDED.acknowledge_due_at ELSE occurrence_assignments.acknowledge_due_at END,
           on_scene_due_at = CASE WHEN $8 OR occurrence_assignments.state = 'RELEASED' THEN EXCLUDED.on_scene_due_at ELSE occurrence_assignments.on_scene_due_at END,
           resolve_due_at = CASE WHEN $8 OR occurrence_assignments.state = 'RELEASED' THEN EXCLUDED.resolve_due_at ELSE occurrence_assignments.resolve_due_at END,
           escalation_level = CASE WHEN $8 OR occurrence_assignments.state = 'RELEASED' THEN 'L0' ELSE occurrence_assignments.escalation_level END`,
        [occurrenceId, a.department, a.role, now, due.acknowledgeDueAt, due.onSceneDueAt, due.resolveDueAt, restartClocks],
      );
    }
    await m.query(
      `UPDATE occurrence_assignments SET state = 'RELEASED', released_at = $3
        WHERE occurrence_id = $1 AND state <> 'RELEASED' AND NOT (department = ANY($2::text[]))`,
      [occurrenceId, planned.map((a) => a.department), now],
    );
    await m.query(
      `UPDATE occurrences SET lead_department = $2, priority = $3 WHERE id = $1`,
      [occurrenceId, effective.lead, effective.priority],
    );
    const assigned: Array<{ department: Department; role: AssignmentRole; assigned_at: Date }> = await m.query(
      `SELECT department, role, assigned_at FROM occurrence_assignments WHERE occurrence_id = $1 AND state <> 'RELEASED'`,
      [occurrenceId],
    );
    const rows = assigned.flatMap((a) => this.deadlineRows(a.department, a.role, effective.priority, doc, a.assigned_at));
    await this.writeEscalationDeadlines(m, occurrenceId, rows, now);
    return planned.map((a) => a.department).sort();
  }

  /**
   * The assignments and their escalation deadlines of an occurrence dispatched at intake:
   * nothing to release or supersede, so the intake writes them in its own single statement.
   */
  planNew(routing: RoutingDecision, doc: RuleSetDocument, now: Date): NewDispatch {
    const effective = effectiveRouting(routing, null);
    const planned = plannedAssignments(effective);
    const due = this.scaled(now, computeDeadlines(now, effective.priority, doc));
    return {
      departments: planned.map((a) => a.department).sort(),
      assignments: planned.map((a) => ({ department: a.department, role: a.role })),
      due,
      deadlines: planned.flatMap((a) => this.deadlineRows(a.department, a.role, effective.priority, doc, now)),
    };
  }

  /** Releases every assignment (cancel, merge, reopen): their clocks stop. */
  async releaseAll(m: EntityManager, occurrenceId: string, now: Date): Promise<void> {
    await m.query(
      `UPDATE occurrence_assignments SET state = 'RELEASED', released_at = $2 WHERE occurrence_id = $1 AND state <> 'RELEASED'`,
      [occurrenceId, now],
    );
    await this.stopDeadlines(m, occurrenceId, null, null, 'RELEASED', now);
  }

  /**
   * Stops the pending escalation deadlines of `kinds` (all when null) for `department` (any when null).
   * The worker re-checks every condition when a deadline fires, so this is bookkeeping, not correctness.
   */
  async stopDeadlines(
    m: EntityManager,
    occurrenceId: string,
    department: Department | null,
    kinds: readonly DeadlineKind[] | null,
    outcome: DeadlineStop,
    now: Date,
  ): Promise<void> {
    await m.query(
      `UPDATE escalation_deadlines SET cancelled_at = $4, outcome = $5
        WHERE occurrence_id = $1 AND fired_at IS NULL AND cancelled_at IS NULL
          AND ($2::text IS NULL OR department = $2) AND ($3::text[] IS NULL OR kind = ANY($3::text[]))`,
      [occurrenceId, department, kinds, now, outcome],
    );
  }

  /**
   * The escalation ladders of the assignments, each run from its own assignment: pending rows that
   * no longer match (another lead, a department released or in another role, restarted clocks) are
   * superseded; rows already written (pending, fired or met) are kept as they are, so a re-dispatch
   * that keeps the clocks changes nothing, and each rung is written once per assignment.
   */
  private async writeEscalationDeadlines(m: EntityManager, occurrenceId: string, rows: NewDeadline[], now: Date): Promise<void> {
    const columns = [
      rows.map((r) => r.department), rows.map((r) => r.role), rows.map((r) => r.kind), rows.map((r) => r.level), rows.map((r) => r.dueAt),
    ];
    await m.query(
      `UPDATE escalation_deadlines SET cancelled_at = $7, outcome = 'SUPERSEDED'
        WHERE occurrence_id = $1 AND fired_at IS NULL AND cancelled_at IS NULL
          AND (department, role, kind, level, due_at) NOT IN (
            SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]))`,
      [occurrenceId, ...columns, now],
    );
    await m.query(
      `INSERT INTO escalation_deadlines (occurrence_id, department, role, kind, level, due_at)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [occurrenceId, ...columns],
    );
  }

  /** One assignment's escalation ladder from its assignment, by its role, scaled for tests. */
  private deadlineRows(department: Department, role: AssignmentRole, priority: Priority, doc: RuleSetDocument, assignedAt: Date): NewDeadline[] {
    return assignmentTriggers(role, assignedAt, priority, doc).map((t) => ({
      department,
      role,
      kind: t.kind,
      level: t.level,
      dueAt: this.scale(assignedAt, t.dueAt),
    }));
  }

  /** SLA_TIME_SCALE (tests only, always 1 in production) shrinks every duration from `start`. */
  private scale(start: Date, due: Date): Date {
    const k = this.env.SLA_TIME_SCALE;
    return k === 1 ? due : new Date(start.getTime() + Math.round((due.getTime() - start.getTime()) * k));
  }

  private scaled<T extends { acknowledgeDueAt: Date; onSceneDueAt: Date | null; resolveDueAt: Date }>(start: Date, d: T): T {
    return {
      ...d,
      acknowledgeDueAt: this.scale(start, d.acknowledgeDueAt),
      onSceneDueAt: d.onSceneDueAt && this.scale(start, d.onSceneDueAt),
      resolveDueAt: this.scale(start, d.resolveDueAt),
    };
  }
}
