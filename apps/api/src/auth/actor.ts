import type { Department, Role } from '@cgi/shared';

/** The authenticated identity a request acts as. */
export interface Actor {
  id: string;
  username: string;
  role: Role;
  department: Department | null;
}

export const CGI_ROLES: readonly Role[] = ['CGI_OPERATOR', 'CGI_SUPERVISOR', 'ADMIN'];
export const isCgi = (a: Actor): boolean => CGI_ROLES.includes(a.role);
export const isDepartmentRole = (a: Actor): boolean =>
  a.role === 'DEPARTMENT_AGENT' || a.role === 'DEPARTMENT_SUPERVISOR';
/** Label written as the actor of events. */
export const actorLabel = (a: Actor): string => `${a.role}:${a.username}`;
