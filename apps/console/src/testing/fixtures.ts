import type { AssignmentView, LiveOccurrenceEvent, OccurrenceView } from '@cgi/shared';

let n = 0;

export function assignment(over: Partial<AssignmentView> = {}): AssignmentView {
  return {
    department: 'CIVIL_PROTECTION',
    role: 'LEAD',
    state: 'PENDING',
    assignedAt: '2026-11-27T10:00:00.000Z',
    acknowledgedAt: null,
    onSceneAt: null,
    acknowledgeDueAt: '2026-11-27T10:05:00.000Z',
    onSceneDueAt: '2026-11-27T10:30:00.000Z',
    resolveDueAt: '2026-11-28T10:00:00.000Z',
    escalationLevel: 'L0',
    ...over,
  };
}

export function occurrence(over: Partial<OccurrenceView> = {}): OccurrenceView {
  n++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    reference: `OC-2026-${String(n).padStart(6, '0')}`,
    category: 'FALLEN_TREE',
    priority: 'P2',
    status: 'DISPATCHED',
    source: 'OPERATOR',
    location: { lat: 41.1496, lon: -8.6063, address: 'Rua de Santa Catarina', parishCode: '131217', parishName: 'Cedofeita' },
    flags: { injuries: false, hazardousMaterials: false, blocksTraffic: false, peopleAtRisk: 0 },
    description: 'Árvore caída',
    lead: 'CIVIL_PROTECTION',
    assignments: [assignment(), assignment({ department: 'ENVIRONMENT', role: 'SUPPORT' })],
    escalationLevel: 'L0',
    reportCount: 1,
    parentId: null,
    version: 1,
    createdAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:00:00.000Z',
    dispatchedAt: '2026-11-27T10:00:00.000Z',
    resolvedAt: null,
    closedAt: null,
    ...over,
  };
}

export function liveEvent(position: string, o: OccurrenceView | null, type: LiveOccurrenceEvent['event']['type'] = 'DISPATCHED'): LiveOccurrenceEvent {
  return {
    event: { position, occurrenceId: o?.id ?? null, type, actor: 'test', at: '2026-11-27T10:00:00.000Z', departments: o ? o.assignments.map((a) => a.department) : [], payload: {} },
    occurrence: o,
  };
}

/** Runs scheduled notifications at once (the store batches them per frame in the browser). */
export const syncSchedule = (fn: () => void): void => fn();
