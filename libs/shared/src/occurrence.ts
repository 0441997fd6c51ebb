import type {
  AssignmentRole,
  AssignmentState,
  Department,
  EscalationLevel,
  OccurrenceSource,
  OccurrenceStatus,
  Priority,
} from './enums';
import type { OccurrenceFlags, RoutingDecision, RoutingOverride } from './rules';
import type { UnitAssignmentView } from './units';

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface OccurrenceLocation extends GeoPoint {
  address: string | null;
  parishCode: string | null;
  parishName: string | null;
}

export interface AssignmentView {
  department: Department;
  role: AssignmentRole;
  state: AssignmentState;
  assignedAt: string;
  acknowledgedAt: string | null;
  onSceneAt: string | null;
  /** Deadlines frozen at dispatch from the rule set in force then. ISO 8601. */
  acknowledgeDueAt: string | null;
  onSceneDueAt: string | null;
  resolveDueAt: string | null;
  escalationLevel: EscalationLevel;
}

/** An occurrence as the API returns it. Reporter contact data is never part of it. */
export interface OccurrenceView {
  id: string;
  reference: string;
  category: string;
  priority: Priority;
  status: OccurrenceStatus;
  source: OccurrenceSource;
  location: OccurrenceLocation;
  flags: OccurrenceFlags;
  description: string;
  lead: Department;
  assignments: AssignmentView[];
  escalationLevel: EscalationLevel;
  reportCount: number;
  parentId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  dispatchedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
}

export interface OccurrenceDetail extends OccurrenceView {
  /** Units sent to it, every dispatch (released ones too), in dispatch order. */
  units: UnitAssignmentView[];
  routing: RoutingDecision;
  override: RoutingOverride | null;
  timeline: OccurrenceEventView[];
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, null at the end. */
  nextCursor: string | null;
}

export const EVENT_TYPES = [
  'OCCURRENCE_CREATED',
  'REPORT_LINKED',
  'TRIAGED',
  'DISPATCHED',
  'ROUTING_OVERRIDDEN',
  'ACKNOWLEDGED',
  'ON_SCENE',
  'RESOLVED',
  'CLOSED',
  'CANCELLED',
  'REOPENED',
  'MERGED',
  'UNMERGED',
  'NOTE_ADDED',
  'ESCALATED',
  'OPERATIONAL_LEVEL_SET',
  'OPERATIONAL_LEVEL_PROPOSED',
  'RULE_SET_PUBLISHED',
  /** A unit was assigned to the occurrence (payload: UnitEventPayload). */
  'UNIT_DISPATCHED',
  /** The geofence saw a dispatched unit within the on-scene radius: ON_SCENE awaits confirmation. */
  'UNIT_ON_SCENE_PROPOSED',
  'UNIT_ON_SCENE',
  /** The unit left the occurrence (released by hand, or the occurrence was resolved or cancelled). */
  'UNIT_RELEASED',
  /** A unit's availability changed outside any occurrence (AVAILABLE ⇄ UNAVAILABLE). */
  'UNIT_STATUS_CHANGED',
  /** Another fault report of an asset linked to the open occurrence its fault opened (payload: reportCount). */
  'ASSET_FAULT_REPORTED',
  /** The asset of a fault occurrence is back to OK: a note proposing resolution. */
  'ASSET_RESTORED',
  /** A CAP public alert was issued, updated or cancelled (payload: PublicAlertEventPayload; city-wide and on each occurrence it concerns). */
  'PUBLIC_ALERT_ISSUED',
  'PUBLIC_ALERT_UPDATED',
  'PUBLIC_ALERT_CANCELLED',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * One entry of the append-only event log. `position` is the global order:
 * "<transaction id>.<sequence>", compared as the pair of integers (see docs/decisions).
 */
export interface OccurrenceEventView {
  position: string;
  occurrenceId: string | null;
  type: EventType;
  actor: string;
  at: string;
  /** Departments concerned; the live feed and department views filter on it. */
  departments: Department[];
  payload: Record<string, unknown>;
}

/**
 * Whether a citizen report's own words (description, photo, house-level location) are shown to
 * the public by Open311, as the CGI decided (ADR 0020). `publicAt`/`publicBy` are null while not.
 */
export interface ReportPublication {
  occurrenceId: string;
  reference: string;
  descriptionPublic: boolean;
  publicAt: string | null;
  publicBy: string | null;
}
