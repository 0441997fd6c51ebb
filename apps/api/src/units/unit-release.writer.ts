import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { UnitStatus } from '@cgi/shared';
import { nextUnitStatus } from '@cgi/domain';
import { appendEvents, type NewEvent } from '../events/event-log.sql';
import { unitEventPayload, type UnitRow } from './unit.sql';

/** Why the units of an occurrence were released with it. */
export type OccurrenceReleaseReason = 'RESOLVED' | 'CANCELLED' | 'MERGED' | 'CLOSED';

interface EngagedRow extends Pick<UnitRow, 'id' | 'code' | 'callsign' | 'kind' | 'department' | 'unavailable_reason' | 'version'> {
  status: UnitStatus;
  assignment_id: string;
  dispatched_at: Date;
}

/**
 * Frees units from an occurrence, in the caller's transaction: each unit back to AVAILABLE, its
 * assignment released with the reason, one UNIT_RELEASED event per unit (for its department).
 * Used by the lifecycle commands that end an occurrence (resolve, cancel, merge, close; the
 * occurrence's row is already locked by them) and by the release of one unit by hand.
 */
@Injectable()
export class UnitReleaseWriter {
  /** Releases every unit still on the occurrence (none: nothing happens). */
  releaseAll(m: EntityManager, occurrenceId: string, reason: OccurrenceReleaseReason, by: string, now: Date): Promise<number> {
    return this.release(m, occurrenceId, null, reason, by, now);
  }

  /**
   * Releases the units of departments no longer on the occurrence (a routing override released
   * their department): reason "DEPARTMENT_RELEASED".
   */
  async releaseDepartmentsOff(m: EntityManager, occurrenceId: string, by: string, now: Date): Promise<number> {
    const rows: Array<{ id: string }> = await m.query(
      `SELECT a.id FROM unit_assignments a
        WHERE a.occurrence_id = $1 AND a.released_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM occurrence_assignments d WHERE d.occurrence_id = a.occurrence_id AND d.department = a.department AND d.state <> 'RELEASED')`,
      [occurrenceId],
    );
    return rows.length === 0 ? 0 : this.release(m, occurrenceId, rows.map((r) => r.id), 'DEPARTMENT_RELEASED', by, now);
  }

  /**
   * Releases the units of the occurrence's assignments `assignmentIds` (null: all active ones)
   * and answers how many were released. Unit rows are locked in id order (as assigning does),
   * before their assignments (which the updates below lock), as every writer of both does.
   */
  async release(m: EntityManager, occurrenceId: string, assignmentIds: string[] | null, reason: string, by: string, now: Date): Promise<number> {
    const engaged: EngagedRow[] = await m.query(
      `SELECT u.id, u.code, u.callsign, u.kind, u.department, u.status, u.unavailable_reason, u.version, a.id AS assignment_id, a.dispatched_at
         FROM unit_assignments a JOIN units u ON u.id = a.unit_id
        WHERE a.occurrence_id = $1 AND a.released_at IS NULL AND ($2::uuid[] IS NULL OR a.id = ANY($2::uuid[]))
        ORDER BY u.id
          FOR UPDATE OF u`,
      [occurrenceId, assignmentIds],
    );
    if (engaged.length === 0) return 0;
    // A unit whose assignment is active is DISPATCHED or ON_SCENE on this occurrence: RELEASE is legal.
    for (const u of engaged) nextUnitStatus(u.status, 'RELEASE');
    const ids = engaged.map((u) => u.id);
    await m.query(
      `UPDATE units SET status = 'AVAILABLE', occurrence_id = NULL, status_changed_at = $2, version = version + 1, updated_at = now()
        WHERE id = ANY($1::uuid[])`,
      [ids, now],
    );
    await m.query(
      `UPDATE unit_assignments SET released_at = greatest($2::timestamptz, dispatched_at), released_by = $3, released_reason = $4
        WHERE id = ANY($1::uuid[])`,
      [engaged.map((u) => u.assignment_id), now, by, reason],
    );
    // Events in dispatch order (the timeline reads as the units came), whatever the lock order.
    const inOrder = [...engaged].sort((x, y) => new Date(x.dispatched_at).getTime() - new Date(y.dispatched_at).getTime() || x.code.localeCompare(y.code));
    const events: NewEvent[] = inOrder.map((u) => ({
      occurrenceId,
      type: 'UNIT_RELEASED',
      actor: by,
      departments: [u.department],
      payload: { ...unitEventPayload({ ...u, status: 'AVAILABLE', version: u.version + 1 }, u.status, occurrenceId, u.assignment_id, reason) },
    }));
    await appendEvents(m, events);
    return engaged.length;
  }
}
