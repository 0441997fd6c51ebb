import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { rankProposals, unitEtaSeconds } from '@cgi/domain';
import type { Department, FieldError, OccurrenceStatus, UnitAssignmentView, UnitProposal } from '@cgi/shared';
import { actorLabel, isDepartmentRole, type Actor } from '../auth/actor';
import { DomainException } from '../common/domain.exception';
import { isUniqueViolation } from '../database/pg-errors';
import { appendEvents, type NewEvent } from '../events/event-log.sql';
import { OccurrenceCommandsService } from '../occurrences/occurrence-commands.service';
import { assertVisible } from '../occurrences/occurrence-access';
import { RuleSetService, type LoadedRuleSet } from '../rules/rule-set.service';
import type { AssignUnitsDto, ProposalsQuery } from './dto/unit.dto';
import { visibleUnitDepartments } from './unit-access';
import { UnitReleaseWriter } from './unit-release.writer';
import { ASSIGNMENT_SELECT, UNIT_COLUMNS, toAssignmentView, toUnitView, unitEventPayload, type AssignmentRow, type UnitRow } from './unit.sql';
import { transition, viewOptionsOf } from './units.service';

/** Occurrence statuses in which units may be sent. */
const ASSIGNABLE: readonly OccurrenceStatus[] = ['DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE'];

interface LockedOccurrence {
  id: string;
  status: OccurrenceStatus;
  version: number;
}

/**
 * Units on occurrences: the nearest available ones proposed, assigned (DISPATCHED), confirmed on
 * scene and released. Every change locks the occurrence first, then the units in id order (as
 * the release on resolve/cancel does), and appends its UNIT_* events in the same transaction.
 */
@Injectable()
export class UnitDispatchService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly rules: RuleSetService,
    private readonly releases: UnitReleaseWriter,
    private readonly commands: OccurrenceCommandsService,
  ) {}

  /**
   * The nearest AVAILABLE units of the occurrence's active departments that the actor may see,
   * by straight line from their last fix (home base without one): PostGIS KNN (`<->`).
   */
  async proposals(occurrenceId: string, actor: Actor, q: ProposalsQuery): Promise<UnitProposal[]> {
    const m = this.ds.manager;
    // The occurrence's point and its active departments in one round trip (this is on every open detail).
    const [target]: Array<{ lat: number; lon: number; departments: Department[] }> = await m.query(
      `SELECT ST_Y(o.location::geometry) AS lat, ST_X(o.location::geometry) AS lon,
              array(SELECT a.department FROM occurrence_assignments a
                     WHERE a.occurrence_id = o.id AND a.state <> 'RELEASED' ORDER BY a.department) AS departments
         FROM occurrences o WHERE o.id = $1`,
      [occurrenceId],
    );
    // As assertVisible: a department role sees only occurrences its department is (still) on.
    if (!target || (isDepartmentRole(actor) && !target.departments.includes(actor.department!))) {
      throw new DomainException('NOT_FOUND', 'Occurrence not found');
    }
    const departments = this.scoped(actor, target.departments);
    if (departments.length === 0) return [];
    const limit = q.limit ?? 3;
    const [rows, { document }]: [Array<UnitRow & { distance_m: number }>, LoadedRuleSet] = await Promise.all([
      m.query(
        `SELECT ${UNIT_COLUMNS}, ST_Distance(coalesce(u.position, u.home_base), t.location, false) AS distance_m
           FROM (SELECT location FROM occurrences WHERE id = $1) t
           CROSS JOIN units u LEFT JOIN occurrences o ON o.id = u.occurrence_id
          WHERE u.status = 'AVAILABLE' AND u.retired_at IS NULL AND u.department = ANY($2::text[])
            AND ($3::text IS NULL OR u.kind = $3)
          ORDER BY coalesce(u.position, u.home_base) <-> t.location, u.code
          LIMIT $4`,
        [occurrenceId, departments, q.kind ?? null, limit],
      ),
      this.rules.active(m),
    ]);
    const opts = viewOptionsOf(actor, document);
    const ranked = rankProposals(
      rows.map((r) => ({ ...r, distanceMeters: r.distance_m, at: { lat: r.lat ?? r.base_lat, lon: r.lon ?? r.base_lon } })),
      { lat: target.lat, lon: target.lon },
      document.units,
      { kind: q.kind, limit },
    );
    return ranked.map((r) => ({ unit: toUnitView(r.candidate, opts), distanceMeters: r.distanceMeters, etaSeconds: r.etaSeconds }));
  }

  /** Sends units to the occurrence, all or none: each DISPATCHED, an assignment with distance and ETA, UNIT_DISPATCHED each. */
  async assign(occurrenceId: string, actor: Actor, dto: AssignUnitsDto): Promise<UnitAssignmentView[]> {
    const by = actorLabel(actor);
    try {
      return await this.ds.transaction(async (m) => {
        const occ = await this.lockOccurrence(m, actor, occurrenceId);
        if (!ASSIGNABLE.includes(occ.status)) {
          throw new DomainException('ILLEGAL_TRANSITION', `Units are sent to an occurrence that is dispatched, acknowledged or on scene, not ${occ.status}`, undefined, {
            status: occ.status, version: occ.version,
          });
        }
        const scope = visibleUnitDepartments(actor);
        const active = await this.activeDepartments(m, occurrenceId);
        const locked: Array<UnitRow & { distance_m: number }> = await m.query(
          `SELECT ${UNIT_COLUMNS}, round(ST_Distance(coalesce(u.position, u.home_base), t.location, false))::int AS distance_m
             FROM (SELECT location FROM occurrences WHERE id = $2) t
             CROSS JOIN units u LEFT JOIN occurrences o ON o.id = u.occurrence_id
            WHERE u.id = ANY($1::uuid[]) AND u.retired_at IS NULL
            ORDER BY u.id
              FOR UPDATE OF u`,
          [dto.unitIds, occurrenceId],
        );
        const byId = new Map(locked.map((u) => [u.id, u]));
        const units = dto.unitIds.map((id, i) => {
          const u = byId.get(id);
          const field = `unitIds[${i}]`;
          if (!u || (scope !== 'ALL' && !scope.includes(u.department))) {
            throw new DomainException('NOT_FOUND', 'Unit not found', [{ field, message: 'is not a unit you can see' }]);
          }
          return { u, field };
        });
        const notOnIt: FieldError[] = units
          .filter(({ u }) => !active.includes(u.department))
          .map(({ u, field }) => ({ field, message: `${u.callsign} is of ${u.department}, which is not on this occurrence` }));
        if (notOnIt.length) throw new DomainException('UNIT_NOT_ELIGIBLE', `Invalid request: ${notOnIt.map((f) => f.field).join(', ')}`, notOnIt);
        for (const { u, field } of units) transition(u, 'DISPATCH', field);

        const { document } = await this.rules.active(m);
        const now = new Date();
        const etas = units.map(({ u }) => unitEtaSeconds(document.units, u.kind, u.distance_m));
        const ids = units.map(({ u }) => u.id);
        await m.query(
          `UPDATE units SET status = 'DISPATCHED', occurrence_id = $2, status_changed_at = $3, version = version + 1, updated_at = now()
            WHERE id = ANY($1::uuid[])`,
          [ids, occurrenceId, now],
        );
        const inserted: Array<{ id: string; unit_id: string }> = await m.query(
          `INSERT INTO unit_assignments (occurrence_id, unit_id, department, dispatched_at, dispatched_by, dispatch_distance_m, dispatch_eta_s)
           SELECT $1, x.unit_id, x.department, $2, $3, x.distance, x.eta
             FROM unnest($4::uuid[], $5::text[], $6::int[], $7::int[]) WITH ORDINALITY AS x(unit_id, department, distance, eta, ord)
            ORDER BY x.ord
           RETURNING id, unit_id`,
          [occurrenceId, now, by, ids, units.map(({ u }) => u.department), units.map(({ u }) => u.distance_m), etas],
        );
        const assignmentOf = new Map(inserted.map((r) => [r.unit_id, r.id]));
        const events: NewEvent[] = units.map(({ u }) => ({
          occurrenceId,
          type: 'UNIT_DISPATCHED',
          actor: by,
          departments: [u.department],
          payload: { ...unitEventPayload({ ...u, status: 'DISPATCHED', version: u.version + 1 }, u.status, occurrenceId, assignmentOf.get(u.id) ?? null, null) },
        }));
        await appendEvents(m, events);
        const rows: AssignmentRow[] = await m.query(`${ASSIGNMENT_SELECT} WHERE a.id = ANY($1::uuid[])`, [inserted.map((r) => r.id)]);
        const order = new Map(ids.map((id, i) => [id, i]));
        return rows.sort((p, q) => (order.get(p.unit_id) ?? 0) - (order.get(q.unit_id) ?? 0)).map(toAssignmentView);
      });
    } catch (err) {
      // The unique index on one active assignment per unit: the other assignment won.
      if (isUniqueViolation(err, 'unit_assignments_one_active')) throw new DomainException('CONFLICT', 'A unit was assigned by someone else meanwhile; retry');
      throw concurrent(err);
    }
  }

  /**
   * Confirms a unit on scene: ON_SCENE, the assignment's on-scene time from the geofence's
   * proposal (now without one), UNIT_ON_SCENE; its department goes on scene too if it was not yet.
   */
  async confirmOnScene(occurrenceId: string, assignmentId: string, actor: Actor): Promise<UnitAssignmentView> {
    await this.transaction(async (m) => {
      await this.lockOccurrence(m, actor, occurrenceId);
      const { unit, assignment } = await this.lockAssignment(m, actor, occurrenceId, assignmentId);
      const to = transition(unit, 'ARRIVE');
      const by = actorLabel(actor);
      await m.query(`UPDATE units SET status = $2, status_changed_at = now(), version = version + 1, updated_at = now() WHERE id = $1`, [unit.id, to]);
      await m.query(`UPDATE unit_assignments SET on_scene_at = coalesce(on_scene_proposed_at, now()), on_scene_by = $2 WHERE id = $1`, [assignment.id, by]);
      await appendEvents(m, [{
        occurrenceId,
        type: 'UNIT_ON_SCENE',
        actor: by,
        departments: [unit.department],
        payload: { ...unitEventPayload({ ...unit, status: to, version: unit.version + 1 }, unit.status, occurrenceId, assignment.id, assignment.on_scene_proposed_at ? 'geofence' : null) },
      }]);
      const [dept]: Array<{ state: string }> = await m.query(
        `SELECT state FROM occurrence_assignments WHERE occurrence_id = $1 AND department = $2`, [occurrenceId, unit.department],
      );
      if (dept && dept.state !== 'ON_SCENE' && dept.state !== 'RELEASED') await this.commands.departmentOnScene(m, occurrenceId, actor, unit.department);
    });
    return this.assignmentView(assignmentId);
  }

  /** Releases one unit from the occurrence (back to AVAILABLE), with a reason; UNIT_RELEASED. */
  async release(occurrenceId: string, assignmentId: string, actor: Actor, reason: string): Promise<UnitAssignmentView> {
    await this.transaction(async (m) => {
      await this.lockOccurrence(m, actor, occurrenceId);
      const { unit } = await this.lockAssignment(m, actor, occurrenceId, assignmentId);
      transition(unit, 'RELEASE');
      await this.releases.release(m, occurrenceId, [assignmentId], reason.trim(), actorLabel(actor), new Date());
    });
    return this.assignmentView(assignmentId);
  }

  /** A transaction whose deadlock (a writer locking units in another order) answers 409 CONFLICT. */
  private transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work).catch((err: unknown) => {
      throw concurrent(err);
    });
  }

  private async lockOccurrence(m: EntityManager, actor: Actor, occurrenceId: string): Promise<LockedOccurrence> {
    await assertVisible(m, actor, occurrenceId);
    const [occ]: LockedOccurrence[] = await m.query(`SELECT id, status, version FROM occurrences WHERE id = $1 FOR UPDATE`, [occurrenceId]);
    if (!occ) throw new DomainException('NOT_FOUND', 'Occurrence not found');
    return occ;
  }

  /** The occurrence's assignment and its unit, locked; 404 when either is not there for the actor, 409 when released. */
  private async lockAssignment(m: EntityManager, actor: Actor, occurrenceId: string, assignmentId: string) {
    type Row = { id: string; unit_id: string; department: Department; released_at: Date | null; on_scene_proposed_at: Date | null };
    const read = `SELECT id, unit_id, department, released_at, on_scene_proposed_at FROM unit_assignments WHERE id = $1 AND occurrence_id = $2`;
    const [found]: Row[] = await m.query(read, [assignmentId, occurrenceId]);
    const scope = visibleUnitDepartments(actor);
    if (!found || (scope !== 'ALL' && !scope.includes(found.department))) throw new DomainException('NOT_FOUND', 'Unit assignment not found');
    // The unit's row before the assignment's, as every writer of both does (AVL's geofence too).
    const [unit]: UnitRow[] = await m.query(`SELECT ${UNIT_COLUMNS} FROM units u LEFT JOIN occurrences o ON o.id = u.occurrence_id WHERE u.id = $1 FOR UPDATE OF u`, [found.unit_id]);
    const [assignment]: Row[] = await m.query(`${read} FOR UPDATE`, [assignmentId, occurrenceId]);
    if (assignment.released_at !== null) {
      throw new DomainException('ILLEGAL_TRANSITION', `${unit.callsign} was already released from this occurrence`, undefined, { status: unit.status, version: unit.version });
    }
    return { unit, assignment };
  }

  private async assignmentView(id: string): Promise<UnitAssignmentView> {
    const [row]: AssignmentRow[] = await this.ds.query(`${ASSIGNMENT_SELECT} WHERE a.id = $1`, [id]);
    return toAssignmentView(row);
  }

  private async activeDepartments(m: EntityManager, occurrenceId: string): Promise<Department[]> {
    const rows: Array<{ department: Department }> = await m.query(
      `SELECT department FROM occurrence_assignments WHERE occurrence_id = $1 AND state <> 'RELEASED' ORDER BY department`, [occurrenceId],
    );
    return rows.map((r) => r.department);
  }

  private scoped(actor: Actor, departments: Department[]): Department[] {
    const scope = visibleUnitDepartments(actor);
    return scope === 'ALL' ? departments : departments.filter((d) => scope.includes(d));
  }
}

/** A deadlock (40P01) as 409 CONFLICT: the other transaction went through; retry. Anything else as is. */
function concurrent(err: unknown): unknown {
  const e = err as { code?: string; driverError?: { code?: string } } | null;
  if ((e?.driverError?.code ?? e?.code) === '40P01') return new DomainException('CONFLICT', 'Concurrent change; retry');
  return err;
}
