import type { Department, UnitAssignmentView, UnitDetail, UnitEventPayload, UnitStatus, UnitView } from '@cgi/shared';
import { isStale } from '@cgi/domain';
import type { Queryable } from '../events/event-log.sql';

/**
 * The units feature's SQL as plain functions: the unit and assignment rows and their views,
 * shared by the units services, the release on resolve/cancel/merge/close and the occurrence
 * detail (its `units`).
 */

/** A row of UNIT_SELECT. */
export interface UnitRow {
  id: string;
  code: string;
  callsign: string;
  department: Department;
  kind: string;
  base_lat: number;
  base_lon: number;
  home_base_address: string | null;
  status: UnitStatus;
  unavailable_reason: string | null;
  status_changed_at: Date;
  lat: number | null;
  lon: number | null;
  position_at: Date | null;
  speed_kmh: number | null;
  heading_deg: number | null;
  occurrence_id: string | null;
  occurrence_reference: string | null;
  synthetic: boolean;
  version: number;
  crew: string[];
}

/** The columns of a unit `u` (with `o`, its occurrence, LEFT JOINed). */
export const UNIT_COLUMNS = `
  u.id, u.code, u.callsign, u.department, u.kind,
  ST_Y(u.home_base::geometry) AS base_lat, ST_X(u.home_base::geometry) AS base_lon, u.home_base_address,
  u.status, u.unavailable_reason, u.status_changed_at,
  ST_Y(u.position::geometry) AS lat, ST_X(u.position::geometry) AS lon, u.position_at, u.speed_kmh, u.heading_deg,
  u.occurrence_id, o.reference AS occurrence_reference, u.synthetic, u.version, u.crew`;

export const UNIT_SELECT = `SELECT ${UNIT_COLUMNS} FROM units u LEFT JOIN occurrences o ON o.id = u.occurrence_id`;

export interface ViewOptions {
  now: Date;
  staleAfterMinutes: number;
  /** Whether crew names are included (mayReadCrew). */
  crew: boolean;
}

export function toUnitView(r: UnitRow, opts: ViewOptions): UnitView {
  const view: UnitView = {
    id: r.id,
    code: r.code,
    callsign: r.callsign,
    department: r.department,
    kind: r.kind,
    homeBase: { lat: r.base_lat, lon: r.base_lon, address: r.home_base_address },
    status: r.status,
    unavailableReason: r.unavailable_reason,
    statusChangedAt: new Date(r.status_changed_at).toISOString(),
    position:
      r.position_at === null || r.lat === null || r.lon === null
        ? null
        : { lat: r.lat, lon: r.lon, at: new Date(r.position_at).toISOString(), speedKmh: r.speed_kmh, headingDeg: r.heading_deg },
    stale: isStale(r.position_at, opts.now, opts.staleAfterMinutes),
    occurrence: r.occurrence_id === null ? null : { id: r.occurrence_id, reference: r.occurrence_reference ?? '' },
    synthetic: r.synthetic,
    version: r.version,
  };
  if (opts.crew) view.crew = r.crew;
  return view;
}

/** What UNIT_* events carry of a unit (never its crew). */
export function unitEventPayload(
  u: Pick<UnitRow, 'id' | 'code' | 'callsign' | 'kind' | 'department' | 'status' | 'unavailable_reason' | 'version'>,
  from: UnitStatus,
  occurrenceId: string | null,
  assignmentId: string | null,
  reason: string | null,
): UnitEventPayload {
  return {
    unit: {
      id: u.id, code: u.code, callsign: u.callsign, kind: u.kind, department: u.department,
      status: u.status, unavailableReason: u.unavailable_reason, version: u.version,
    },
    from,
    occurrenceId,
    assignmentId,
    reason,
  };
}

/** A row of ASSIGNMENT_SELECT. */
export interface AssignmentRow {
  id: string;
  occurrence_id: string;
  occurrence_reference: string;
  unit_id: string;
  code: string;
  callsign: string;
  kind: string;
  department: Department;
  unit_status: UnitStatus;
  dispatched_at: Date;
  dispatched_by: string;
  dispatch_distance_m: number | null;
  dispatch_eta_s: number | null;
  on_scene_proposed_at: Date | null;
  on_scene_at: Date | null;
  released_at: Date | null;
  released_reason: string | null;
}

export const ASSIGNMENT_SELECT = `
  SELECT a.id, a.occurrence_id, o.reference AS occurrence_reference, a.unit_id, u.code, u.callsign, u.kind, a.department,
         u.status AS unit_status, a.dispatched_at, a.dispatched_by, a.dispatch_distance_m, a.dispatch_eta_s,
         a.on_scene_proposed_at, a.on_scene_at, a.released_at, a.released_reason
    FROM unit_assignments a JOIN units u ON u.id = a.unit_id JOIN occurrences o ON o.id = a.occurrence_id`;

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toAssignmentView(r: AssignmentRow): UnitAssignmentView {
  return {
    id: r.id,
    unitId: r.unit_id,
    code: r.code,
    callsign: r.callsign,
    kind: r.kind,
    department: r.department,
    unitStatus: r.unit_status,
    dispatchedAt: new Date(r.dispatched_at).toISOString(),
    dispatchedBy: r.dispatched_by,
    dispatchDistanceMeters: r.dispatch_distance_m,
    dispatchEtaSeconds: r.dispatch_eta_s,
    onSceneProposedAt: iso(r.on_scene_proposed_at),
    onSceneAt: iso(r.on_scene_at),
    releasedAt: iso(r.released_at),
    releasedReason: r.released_reason,
  };
}

/** SQL filter and parameter of the units a scope sees (`'ALL'`: no filter; `[]`: none). */
function scopeFilter(scope: Department[] | 'ALL', column: string, p: unknown[]): string {
  if (scope === 'ALL') return '';
  p.push(scope);
  return ` AND ${column} = ANY($${p.length}::text[])`;
}

/** The units sent to an occurrence (every dispatch, released ones too), in dispatch order, of the departments `scope` sees. */
export async function occurrenceUnits(q: Queryable, occurrenceId: string, scope: Department[] | 'ALL'): Promise<UnitAssignmentView[]> {
  if (scope !== 'ALL' && scope.length === 0) return [];
  const p: unknown[] = [occurrenceId];
  const rows = (await q.query(
    `${ASSIGNMENT_SELECT} WHERE a.occurrence_id = $1${scopeFilter(scope, 'a.department', p)} ORDER BY a.dispatched_at, u.code, a.id`,
    p,
  )) as AssignmentRow[];
  return rows.map(toAssignmentView);
}

/** A unit's recent assignments, newest first. */
export async function unitAssignments(q: Queryable, unitId: string, limit: number): Promise<UnitDetail['assignments']> {
  const rows = (await q.query(`${ASSIGNMENT_SELECT} WHERE a.unit_id = $1 ORDER BY a.dispatched_at DESC, a.id DESC LIMIT $2`, [unitId, limit])) as AssignmentRow[];
  return rows.map((r) => ({ ...toAssignmentView(r), occurrenceReference: r.occurrence_reference }));
}
