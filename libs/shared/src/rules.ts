import type { AssignmentRole, Department, OperationalLevel, Partner, Priority } from './enums';
import type { AssetRules } from './assets';
import type { UnitRules } from './units';

/**
 * The CGI governance rules as data (governance.md §2–§4, §6–§8).
 * A rule set is versioned and stored in the database; the routing engine is a pure
 * function of (input, rule set). Nothing here is code: a supervisor replaces it through the API.
 */
export interface CategoryRule {
  code: string;
  /** Portuguese name shown to operators and citizens. */
  name: string;
  lead: Department;
  support: Department[];
  defaultPriority: Priority;
  /** Civil-protection category: counts for the ALERT proposal (governance.md §7). */
  civilProtection: boolean;
  /** Sensor alarms of these priorities skip triage and are dispatched at once (governance.md §5). */
  autoDispatchSensorPriorities: Priority[];
  /** Offered to citizens through the Gabinete do Munícipe (Open311 services). */
  citizenFacing: boolean;
}

/** A condition on the occurrence flags. Exactly one of equals / gte is set. */
export interface FlagCondition {
  flag: 'injuries' | 'hazardousMaterials' | 'blocksTraffic' | 'peopleAtRisk';
  equals?: boolean;
  gte?: number;
}

export interface ModifierEffect {
  /** Priority becomes exactly this. */
  setPriority?: Priority;
  /** Priority becomes at least this (P1 is the highest). */
  minPriority?: Priority;
  /** Departments that join as support unless they already lead. */
  addSupport?: Department[];
  /** External partners notified. */
  notify?: Partner[];
}

export interface ModifierRule {
  id: string;
  description: string;
  when: FlagCondition;
  then: ModifierEffect;
}

export interface SlaRule {
  /** Minutes to acknowledge, counted on the rule's calendar. */
  acknowledgeMinutes: number;
  /** Minutes to be on scene, or null when the priority has no on-scene target. */
  onSceneMinutes: number | null;
  resolveMinutes: number;
  calendar: 'ALWAYS' | 'SERVICE_HOURS';
}

export interface ServiceHours {
  timezone: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  /** "HH:mm" local time. */
  opens: string;
  closes: string;
  /** Holidays on which service hours do not run. */
  holidays: HolidayRule[];
}

export type HolidayRule =
  | { kind: 'FIXED'; month: number; day: number; name: string }
  /** Relative to Easter Sunday (Good Friday = -2, Easter = 0, Corpus Christi = +60). */
  | { kind: 'EASTER'; offsetDays: number; name: string };

export interface EscalationRule {
  level: 'L1' | 'L2' | 'L3';
  /** Fires at this multiple of the acknowledge deadline when the lead has not acknowledged. */
  acknowledgeMultiple: number;
  /** Also fires when the on-scene deadline passes without the lead on scene. */
  onSceneMissed: boolean;
  /** Also fires when the resolve deadline passes on these priorities. */
  resolveMissedPriorities: Priority[];
  /** Who is told. DEPARTMENT and DEPARTMENT_SUPERVISOR mean the assigned department's. */
  notify: EscalationAudience[];
}

/** Who an escalation tells. DEPARTMENT and DEPARTMENT_SUPERVISOR mean the department that missed its deadline. */
export type EscalationAudience = 'DEPARTMENT' | 'DEPARTMENT_SUPERVISOR' | 'CGI_SUPERVISOR' | 'MUNICIPAL_COORDINATOR' | 'CIVIL_PROTECTION';

/** The supporting roles (not the lead): each has its own acknowledgement ladder (ADR 0017). */
export type SupportingRole = Exclude<AssignmentRole, 'LEAD'>;

/**
 * One rung of a support or coordinator department's own ladder: it fires when THAT department has
 * not acknowledged its assignment by `acknowledgeMultiple` × the priority's acknowledge deadline,
 * counted from its assignment (dispatch) on the priority's calendar.
 */
export interface SupportEscalationRule {
  level: 'L1' | 'L2' | 'L3';
  acknowledgeMultiple: number;
  /** The occurrence priorities the rung applies to. */
  priorities: Priority[];
  notify: EscalationAudience[];
}

export interface RuleSetDocument {
  categories: CategoryRule[];
  /** Applied in array order (governance.md §4). */
  modifiers: ModifierRule[];
  /** Lead department when the location is outside the municipality (§4.5). */
  outsideMunicipalityLead: Department;
  slas: Record<Priority, SlaRule>;
  serviceHours: ServiceHours;
  /** The lead department's ladder (governance.md §6). */
  escalation: EscalationRule[];
  /**
   * The ladders of SUPPORT and COORDINATOR assignments (acknowledgement only; an empty list: none).
   * Absent from rule-set versions published before ADR 0017, which had no such ladder.
   */
  supportEscalation: Record<SupportingRole, SupportEscalationRule[]>;
  /** In CRISIS this department joins every new occurrence of the area as coordinator (§7). */
  crisisCoordinator: Department;
  alertProposal: { minOccurrences: number; windowMinutes: number; priorities: Priority[] };
  duplicates: { radiusMeters: number; windowMinutes: number };
  /** The fleet's kinds (mean speeds for ETAs), the on-scene geofence and staleness (issue 14). */
  units: UnitRules;
  /**
   * Assets and the Urban Platform (issue 15): which occurrence an asset's fault opens, how FIWARE
   * Alerts map to categories, and the radius of an occurrence's nearby assets.
   */
  assets: AssetRules;
}

export interface RuleSetView {
  version: number;
  document: RuleSetDocument;
  createdAt: string;
  createdBy: string;
  comment: string | null;
  active: boolean;
}

/** What the routing engine is asked. */
export interface RoutingInput {
  category: string;
  source: 'OPERATOR' | 'CITIZEN' | 'SENSOR';
  flags: OccurrenceFlags;
  /** Parish code, or null when the point is outside the municipality. */
  parishCode: string | null;
  /** Operational level in force where the occurrence is (the stricter of parish and city). */
  operationalLevel: OperationalLevel;
}

export interface OccurrenceFlags {
  injuries: boolean;
  hazardousMaterials: boolean;
  blocksTraffic: boolean;
  peopleAtRisk: number;
}

export interface FiredRule {
  /** e.g. "category:FIRE_BUILDING", "modifier:injuries", "outside-municipality", "crisis", "override". */
  rule: string;
  reason: string;
}

export interface RoutingResult {
  lead: Department;
  support: Department[];
  /** Department coordinating in CRISIS, if any. */
  coordinator: Department | null;
  notify: Partner[];
  priority: Priority;
  /** True when the occurrence skips triage and is dispatched at intake. */
  autoDispatch: boolean;
  /** True when an operator must triage it (OTHER, outside the municipality). */
  needsTriage: boolean;
}

export interface RoutingDecision {
  ruleSetVersion: number;
  input: RoutingInput;
  result: RoutingResult;
  fired: FiredRule[];
}

/** An operator override: the rules' own decision is kept beside it. */
export interface RoutingOverride {
  lead: Department;
  support: Department[];
  priority: Priority;
  reason: string;
  by: string;
  at: string;
}
