import type { UnitAssignmentView, UnitDetail, UnitProposal, UnitStatus, UnitTrail, UnitView } from '@cgi/shared';
import type { ApiClient } from '../api/api-client';

/** The units API as the console uses it (docs/api.md "Units"). The server scopes every answer. */
export function listUnits(api: ApiClient, q: { department?: string; status?: UnitStatus; kind?: string } = {}): Promise<UnitView[]> {
  return api.get<UnitView[]>('/units', q);
}

export function getUnit(api: ApiClient, id: string): Promise<UnitDetail> {
  return api.get<UnitDetail>(`/units/${id}`);
}

/** The unit's fixes, oldest first (the API's default window: the last 2 h). */
export function getTrail(api: ApiClient, id: string): Promise<UnitTrail> {
  return api.get<UnitTrail>(`/units/${id}/trail`);
}

/** The nearest available units of the occurrence's departments, with straight-line distance and ETA. */
export function getProposals(api: ApiClient, occurrenceId: string, kind?: string, limit = 3): Promise<UnitProposal[]> {
  return api.get<UnitProposal[]>(`/occurrences/${occurrenceId}/unit-proposals`, { kind, limit });
}

export function assignUnits(api: ApiClient, occurrenceId: string, unitIds: string[]): Promise<UnitAssignmentView[]> {
  return api.post<UnitAssignmentView[]>(`/occurrences/${occurrenceId}/units`, { unitIds });
}

export function confirmOnScene(api: ApiClient, occurrenceId: string, assignmentId: string): Promise<unknown> {
  return api.post<unknown>(`/occurrences/${occurrenceId}/units/${assignmentId}/on-scene`, {});
}

export function releaseUnit(api: ApiClient, occurrenceId: string, assignmentId: string, reason: string): Promise<unknown> {
  return api.post<unknown>(`/occurrences/${occurrenceId}/units/${assignmentId}/release`, { reason });
}

export function setAvailability(api: ApiClient, unit: Pick<UnitView, 'id' | 'version'>, available: boolean, reason?: string): Promise<UnitView> {
  return api.post<UnitView>(`/units/${unit.id}/availability`, { version: unit.version, available, ...(reason ? { reason } : {}) });
}

/** "850 m", "2,4 km" (pt) / "2.4 km" (en). */
export function formatDistance(meters: number, lang: 'pt' | 'en'): string {
  if (meters < 1000) return `${Math.round(meters / 10) * 10} m`;
  const km = meters / 1000;
  return `${km.toLocaleString(lang === 'pt' ? 'pt-PT' : 'en-GB', { maximumFractionDigits: km < 10 ? 1 : 0 })} km`;
}

/** "45 s", "3 min", "1 h 05 min". */
export function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const min = Math.round(seconds / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}
