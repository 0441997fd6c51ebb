import type { AssignmentRole, Department, Priority, RoutingDecision, RoutingOverride } from '@cgi/shared';

export interface EffectiveRouting {
  lead: Department;
  support: Department[];
  coordinator: Department | null;
  priority: Priority;
}

/** What the occurrence is routed to now: the operator's override when there is one, else the rules'. */
export function effectiveRouting(routing: RoutingDecision, override: RoutingOverride | null): EffectiveRouting {
  if (override) {
    return { lead: override.lead, support: override.support.filter((d) => d !== override.lead), coordinator: routing.result.coordinator, priority: override.priority };
  }
  return { lead: routing.result.lead, support: routing.result.support, coordinator: routing.result.coordinator, priority: routing.result.priority };
}

/** One assignment per department: lead first, then the crisis coordinator, then support. */
export function plannedAssignments(r: EffectiveRouting): Array<{ department: Department; role: AssignmentRole }> {
  const out: Array<{ department: Department; role: AssignmentRole }> = [{ department: r.lead, role: 'LEAD' }];
  if (r.coordinator && r.coordinator !== r.lead) out.push({ department: r.coordinator, role: 'COORDINATOR' });
  for (const d of r.support) {
    if (!out.some((a) => a.department === d)) out.push({ department: d, role: 'SUPPORT' });
  }
  return out;
}
