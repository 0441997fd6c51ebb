import type { EntityManager } from 'typeorm';
import type { Department } from '@cgi/shared';
import type { Role } from '@cgi/shared';
import { CGI_OPERATING_ROLES, isCgi, isDepartmentRole, type Actor } from '../auth/actor';
import { DomainException } from '../common/domain.exception';

/**
 * Department scoping in the service layer: a department role sees and acts only on
 * occurrences its department is assigned to; to everyone else they do not exist (404).
 */
export async function assertVisible(m: EntityManager, actor: Actor, occurrenceId: string): Promise<void> {
  if (!isDepartmentRole(actor)) return;
  const rows: unknown[] = await m.query(
    `SELECT 1 FROM occurrence_assignments WHERE occurrence_id = $1 AND department = $2 AND state <> 'RELEASED'`,
    [occurrenceId, actor.department],
  );
  if (rows.length === 0) throw new DomainException('NOT_FOUND', 'Occurrence not found');
}

/** The department a department command acts for: the agent's own, or the one a CGI role names. */
export function actingDepartment(actor: Actor, requested: Department | undefined): Department {
  if (isDepartmentRole(actor)) {
    if (requested && requested !== actor.department) {
      throw new DomainException('FORBIDDEN', `A ${actor.department} agent cannot act for ${requested}`, [
        { field: 'department', message: 'must be your own department' },
      ]);
    }
    return actor.department!;
  }
  if (!isCgi(actor)) throw new DomainException('FORBIDDEN', `Role ${actor.role} may not do this`);
  if (!requested) {
    throw new DomainException('VALIDATION_FAILED', 'department is required when a CGI role acts for a department', [
      { field: 'department', message: 'department is required' },
    ]);
  }
  return requested;
}

/** Roles allowed to write notes: the CGI's operating roles and department roles (scoped by assertVisible). */
export const NOTE_WRITERS: readonly Role[] = [...CGI_OPERATING_ROLES, 'DEPARTMENT_AGENT', 'DEPARTMENT_SUPERVISOR'];

/**
 * The service layer's own role check, so that a route that forgot its @Roles still refuses:
 * only the CGI's operating roles triage, dispatch, override routing, close, cancel, reopen, merge.
 */
export function requireRole(actor: Actor, roles: readonly Role[] = CGI_OPERATING_ROLES): void {
  if (!roles.includes(actor.role)) throw new DomainException('FORBIDDEN', `Role ${actor.role} may not do this`);
}
