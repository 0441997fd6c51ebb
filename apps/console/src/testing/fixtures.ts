import type { AssetView, AssignmentView, LiveOccurrenceEvent, OccurrenceView, UnitAssignmentView, UnitEventPayload, UnitStatus, UnitView } from '@cgi/shared';

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

let u = 0;

export function unit(over: Partial<UnitView> = {}): UnitView {
  u++;
  return {
    id: `00000000-0000-4000-9000-${String(u).padStart(12, '0')}`,
    code: `BSB-VUCI-${String(u).padStart(2, '0')}`,
    callsign: `VUCI ${String(u).padStart(2, '0')}`,
    department: 'FIRE',
    kind: 'ENGINE',
    homeBase: { lat: 41.1579, lon: -8.6291, address: 'Rua da Constituição 100' },
    status: 'AVAILABLE',
    unavailableReason: null,
    statusChangedAt: '2026-11-27T09:00:00.000Z',
    position: { lat: 41.1579, lon: -8.6291, at: '2026-11-27T10:00:00.000Z', speedKmh: 0, headingDeg: null },
    stale: false,
    occurrence: null,
    synthetic: true,
    version: 1,
    ...over,
  };
}

export function unitAssignment(un: UnitView, over: Partial<UnitAssignmentView> = {}): UnitAssignmentView {
  return {
    id: `a-${un.id}`,
    unitId: un.id,
    code: un.code,
    callsign: un.callsign,
    kind: un.kind,
    department: un.department,
    unitStatus: 'DISPATCHED',
    dispatchedAt: '2026-11-27T10:01:00.000Z',
    dispatchedBy: 'operator',
    dispatchDistanceMeters: 1850,
    dispatchEtaSeconds: 190,
    onSceneProposedAt: null,
    onSceneAt: null,
    releasedAt: null,
    releasedReason: null,
    ...over,
  };
}

/** A UNIT_* live event for `un` moving to `status` at `version`. */
export function unitEvent(
  position: string,
  type: 'UNIT_DISPATCHED' | 'UNIT_ON_SCENE_PROPOSED' | 'UNIT_ON_SCENE' | 'UNIT_RELEASED' | 'UNIT_STATUS_CHANGED',
  un: UnitView,
  status: UnitStatus,
  version: number,
  o: OccurrenceView | null = null,
): LiveOccurrenceEvent {
  const payload: UnitEventPayload = {
    unit: { id: un.id, code: un.code, callsign: un.callsign, kind: un.kind, department: un.department, status, unavailableReason: null, version },
    from: un.status,
    occurrenceId: o?.id ?? null,
    assignmentId: o ? `a-${un.id}` : null,
    reason: null,
  };
  return {
    event: { position, occurrenceId: o?.id ?? null, type, actor: 'test', at: '2026-11-27T10:02:00.000Z', departments: [un.department], payload: payload as unknown as Record<string, unknown> },
    occurrence: o,
  };
}

let a = 0;

export function asset(over: Partial<AssetView> = {}): AssetView {
  a++;
  const camera = (over.kind ?? 'CAMERA') === 'CAMERA';
  return {
    id: `00000000-0000-4000-a000-${String(a).padStart(12, '0')}`,
    code: `CAM-${String(a).padStart(3, '0')}`,
    kind: 'CAMERA',
    name: `Câmara ${a} — Rua de Santa Catarina`,
    department: 'MOBILITY',
    location: { lat: 41.1496, lon: -8.6063 },
    address: 'Rua de Santa Catarina 100',
    parishCode: null,
    status: 'OK',
    statusChangedAt: '2026-11-27T09:00:00.000Z',
    statusReason: null,
    camera: camera ? { snapshotUrl: `https://cameras.example.org/${a}.jpg`, streamUrl: null, directionDeg: 90 } : null,
    openOccurrence: null,
    synthetic: true,
    version: 1,
    updatedAt: '2026-11-27T09:00:00.000Z',
    ...over,
  };
}
