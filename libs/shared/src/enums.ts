/** Departments of the CGI (governance.md §1). Assignable departments acknowledge in the system. */
export const DEPARTMENTS = ['POLICE', 'FIRE', 'CIVIL_PROTECTION', 'MOBILITY', 'ENVIRONMENT', 'CGI'] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** External partners are notified, never assigned (governance.md §1). */
export const PARTNERS = ['INEM', 'PSP', 'STCP', 'METRO_DO_PORTO', 'AGUAS_DO_PORTO'] as const;
export type Partner = (typeof PARTNERS)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const OCCURRENCE_STATUSES = [
  'NEW',
  'TRIAGED',
  'DISPATCHED',
  'ACKNOWLEDGED',
  'ON_SCENE',
  'RESOLVED',
  'CLOSED',
  'CANCELLED',
  'MERGED',
] as const;
export type OccurrenceStatus = (typeof OCCURRENCE_STATUSES)[number];

/** Statuses in which an occurrence is still open (work may happen on it). */
export const OPEN_STATUSES: readonly OccurrenceStatus[] = ['NEW', 'TRIAGED', 'DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE'];

export const SOURCES = ['OPERATOR', 'CITIZEN', 'SENSOR'] as const;
export type OccurrenceSource = (typeof SOURCES)[number];

export const OPERATIONAL_LEVELS = ['NORMAL', 'ALERT', 'CRISIS'] as const;
export type OperationalLevel = (typeof OPERATIONAL_LEVELS)[number];

export const ESCALATION_LEVELS = ['L0', 'L1', 'L2', 'L3'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export const ASSIGNMENT_ROLES = ['LEAD', 'SUPPORT', 'COORDINATOR'] as const;
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];

export const ASSIGNMENT_STATES = ['PENDING', 'ACKNOWLEDGED', 'ON_SCENE', 'RELEASED'] as const;
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];

export const ROLES = [
  'CGI_OPERATOR',
  'CGI_SUPERVISOR',
  'DEPARTMENT_AGENT',
  'DEPARTMENT_SUPERVISOR',
  'VIEWER',
  'ADMIN',
  'INTEGRATION',
] as const;
export type Role = (typeof ROLES)[number];

export const DEADLINE_KINDS = ['ACKNOWLEDGE', 'ON_SCENE', 'RESOLVE'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** What an integration client's API key may do (Gabinete do Munícipe, Urban Platform). */
export const API_KEY_SCOPES = ['occurrences:create', 'reference:read', 'units:positions', 'assets:status'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
