import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { computeDeadlines } from '@cgi/domain';
import type { Department, RoutingDecision, RoutingOverride, RuleSetDocument } from '@cgi/shared';
import { effectiveRouting, plannedAssignments } from './assignment-planner';

/** Writes the per-department assignments and their deadlines, frozen at dispatch. */
@Injectable()
export class AssignmentWriter {
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
    const due = computeDeadlines(now, effective.priority, doc);
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
    return planned.map((a) => a.department).sort();
  }

  /** Releases every assignment (cancel, merge): their clocks stop. */
  async releaseAll(m: EntityManager, occurrenceId: string, now: Date): Promise<void> {
    await m.query(
      `UPDATE occurrence_assignments SET state = 'RELEASED', released_at = $2 WHERE occurrence_id = $1 AND state <> 'RELEASED'`,
      [occurrenceId, now],
    );
  }
}
