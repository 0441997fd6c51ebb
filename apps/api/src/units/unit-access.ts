import type { Department } from '@cgi/shared';
import { isCgi, isDepartmentRole, type Actor } from '../auth/actor';
import { DomainException } from '../common/domain.exception';
import type { Queryable } from '../events/event-log.sql';

/**
 * Department scoping of units, like occurrences: the CGI (and the videowall's VIEWER) see every
 * unit; a department role sees and acts only on its own department's units; to it the others do
 * not exist (404). Integration clients see none (they only push positions).
 */
export function visibleUnitDepartments(actor: Actor): Department[] | 'ALL' {
  if (isDepartmentRole(actor)) return [actor.department!];
  if (isCgi(actor) || actor.role === 'VIEWER') return 'ALL';
  return [];
}

/** 404 unless the unit exists (not retired) and the actor may see it. Answers its department. */
export async function assertUnitVisible(q: Queryable, actor: Actor, unitId: string): Promise<Department> {
  const rows = (await q.query(`SELECT department FROM units WHERE id = $1 AND retired_at IS NULL`, [unitId])) as Array<{ department: Department }>;
  const scope = visibleUnitDepartments(actor);
  if (rows.length === 0 || (scope !== 'ALL' && !scope.includes(rows[0].department))) {
    throw new DomainException('NOT_FOUND', 'Unit not found');
  }
  return rows[0].department;
}

/** Whether crew names may be shown: never to a VIEWER (the videowall), never to integration clients. */
export function mayReadCrew(actor: Actor): boolean {
  return isCgi(actor) || isDepartmentRole(actor);
}
