import type { Department } from './enums';
import type { GeoPoint } from './occurrence';

/**
 * Units of the municipal fleet (issue 14): fire engines, patrols, civil-protection teams,
 * mobility crews, environment trucks. One definition for the API, the worker, the simulator and
 * the console.
 */

/**
 * AVAILABLE: free at base or on patrol; DISPATCHED: en route to an occurrence; ON_SCENE: at it;
 * UNAVAILABLE: out of service, with a reason (maintenance, refuelling, off duty…).
 */
export const UNIT_STATUSES = ['AVAILABLE', 'DISPATCHED', 'ON_SCENE', 'UNAVAILABLE'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

/** What can be asked of a unit; `nextUnitStatus` (@cgi/domain) says what each does. */
export const UNIT_COMMANDS = ['DISPATCH', 'ARRIVE', 'RELEASE', 'SET_UNAVAILABLE', 'SET_AVAILABLE'] as const;
export type UnitCommand = (typeof UNIT_COMMANDS)[number];

/** A unit code: what an AVL gateway and the MQTT topic name it by (`cgi/units/<code>/position`). */
export const UNIT_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

/** The catalogue of unit kinds, rule-set data (`RuleSetDocument.units.kinds`). */
export interface UnitKindRule {
  /** e.g. "ENGINE", "LADDER", "PATROL_CAR". */
  code: string;
  /** Portuguese name ("Veículo urbano de combate a incêndios"). */
  name: string;
  /** English name. */
  nameEn: string;
  /** The departments that may own units of this kind. */
  departments: Department[];
  /** Mean speed in the city, for the estimated time of arrival (straight line ÷ speed). */
  meanSpeedKmh: number;
}

/** Units in the rule set (governance data a supervisor can change without a deploy). */
export interface UnitRules {
  kinds: UnitKindRule[];
  /** A DISPATCHED unit that comes within this many metres of its occurrence proposes ON_SCENE. */
  onSceneRadiusMeters: number;
  /** A unit with no position for this many minutes shows as stale. */
  staleAfterMinutes: number;
}

/** One AVL fix as stored and shown. */
export interface UnitPosition extends GeoPoint {
  /** When the vehicle took the fix (ISO 8601): positions are ordered by it, never by arrival. */
  at: string;
  /** km/h, null when the device does not say. */
  speedKmh: number | null;
  /** Degrees clockwise from north, 0–359, null when unknown. */
  headingDeg: number | null;
}

export interface UnitBase extends GeoPoint {
  /** Street address of the base (from Porto's address points). */
  address: string | null;
}

/** A unit as the API returns it. */
export interface UnitView {
  id: string;
  /** e.g. "BSB-VUCI-01": the MQTT topic and AVL batches name the unit by it. */
  code: string;
  /** Radio callsign shown to people, e.g. "VUCI 01". */
  callsign: string;
  department: Department;
  kind: string;
  homeBase: UnitBase;
  status: UnitStatus;
  /** Set exactly when status is UNAVAILABLE. */
  unavailableReason: string | null;
  statusChangedAt: string;
  position: UnitPosition | null;
  /** No position for `staleAfterMinutes` (or none ever), as of the read. */
  stale: boolean;
  /** The occurrence the unit is dispatched to or on scene at. */
  occurrence: { id: string; reference: string } | null;
  /** Synthetic demo data (not a real vehicle). */
  synthetic: boolean;
  version: number;
  /**
   * Crew names: only for the CGI and the unit's own department; never sent to a VIEWER
   * (the videowall) and never in events.
   */
  crew?: string[];
}

/** A unit on an occurrence (one row per dispatch; a re-dispatch is a new row). */
export interface UnitAssignmentView {
  id: string;
  unitId: string;
  code: string;
  callsign: string;
  kind: string;
  department: Department;
  /** The unit's current status (for the assigned-units list). */
  unitStatus: UnitStatus;
  dispatchedAt: string;
  dispatchedBy: string;
  /** Straight-line distance and ETA when it was dispatched (after-action report). */
  dispatchDistanceMeters: number | null;
  dispatchEtaSeconds: number | null;
  /** When the geofence saw the unit within `onSceneRadiusMeters` (proposes ON_SCENE). */
  onSceneProposedAt: string | null;
  /** Confirmed on scene (the proposal's time when confirmed from it). */
  onSceneAt: string | null;
  releasedAt: string | null;
  releasedReason: string | null;
}

/** A proposal: a nearest available unit for an occurrence. */
export interface UnitProposal {
  unit: UnitView;
  /** Straight-line distance from its last position (or home base when it has none). */
  distanceMeters: number;
  /** distance ÷ the kind's mean speed. */
  etaSeconds: number;
}

/** One position as an AVL client sends it (HTTP batch item; the MQTT payload without `unit`). */
export interface PositionReport {
  /** Unit code (HTTP only: over MQTT the topic names the unit). */
  unit: string;
  lat: number;
  lon: number;
  /** ISO 8601 with offset: when the fix was taken. */
  at: string;
  speedKmh?: number | null;
  headingDeg?: number | null;
}

/** The answer to an HTTP batch of positions. */
export interface PositionBatchResult {
  /** Stored as the newest (or history) position. */
  accepted: number;
  /** Already known or older than the unit's last position (ignored by timestamp). */
  ignored: number;
}

/** Live: positions of units, coalesced (at most one per unit per second per console). */
export interface LiveUnitPositions {
  positions: Array<UnitPosition & { unitId: string }>;
}

/** The payload of UNIT_* events (occurrence_events): no crew, nothing personal. */
export interface UnitEventPayload {
  unit: {
    id: string;
    code: string;
    callsign: string;
    kind: string;
    department: Department;
    status: UnitStatus;
    unavailableReason: string | null;
    version: number;
  };
  /** The unit's status before the event. */
  from: UnitStatus;
  occurrenceId: string | null;
  assignmentId: string | null;
  /** Why (release reason, unavailability reason, "geofence"). */
  reason: string | null;
}

/** MQTT topic of a unit's positions; `+` in place of the code subscribes to all. */
export const UNIT_POSITION_TOPIC = (code: string): string => `cgi/units/${code}/position`;

/** One unit with its recent assignments (newest first), for the unit's detail. */
export interface UnitDetail extends UnitView {
  assignments: Array<UnitAssignmentView & { occurrenceReference: string }>;
}

/** A unit's trail: its fixes in a time window, oldest first. */
export interface UnitTrail {
  unitId: string;
  from: string;
  to: string;
  points: UnitPosition[];
}
