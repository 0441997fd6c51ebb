import type { ApiKeyScope, Department, Role } from '@cgi/shared';

/** The authenticated identity a request acts as. */
export interface Actor {
  /** The user's id, or the API key's id for an integration client. */
  id: string;
  /** The username, or the integration client's name. */
  username: string;
  role: Role;
  department: Department | null;
  /** Integration clients only: what their API key allows. */
  scopes?: readonly ApiKeyScope[];
}

export const CGI_ROLES: readonly Role[] = ['CGI_OPERATOR', 'CGI_SUPERVISOR', 'ADMIN'];
/** The CGI's operating roles: intake, triage, coordination, personal data of reporters. */
export const CGI_OPERATING_ROLES: readonly Role[] = ['CGI_OPERATOR', 'CGI_SUPERVISOR'];
export const isCgi = (a: Actor): boolean => CGI_ROLES.includes(a.role);
export const isDepartmentRole = (a: Actor): boolean =>
  a.role === 'DEPARTMENT_AGENT' || a.role === 'DEPARTMENT_SUPERVISOR';
/** Label written as the actor of events. */
export const actorLabel = (a: Actor): string => `${a.role}:${a.username}`;
