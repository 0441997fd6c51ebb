import type { AssetKind, AssetRules, AssetStatus, OccurrenceFlags } from '@cgi/shared';

/** What an asset's new status does to occurrences (ADR 0026). */
export type AssetFaultDecision =
  /** No open occurrence of the asset, and the rule set maps its kind and status: open one. */
  | { action: 'open'; category: string; flags: Partial<OccurrenceFlags> }
  /** A fault report while the asset's occurrence is open: linked to it (report count). */
  | { action: 'link'; occurrenceId: string }
  /** Back to OK with its occurrence open: a note proposing resolution (nobody resolves but the lead). */
  | { action: 'propose-resolution'; occurrenceId: string }
  | { action: 'nothing'; reason: string };

/** A status that reports something wrong with the asset. */
export const isFaultStatus = (s: AssetStatus): s is 'FAULT' | 'OFFLINE' => s === 'FAULT' || s === 'OFFLINE';

/**
 * The fault decision for an asset of `asset.kind`, now `asset.status`, reported `newStatus`, with
 * `openOccurrence` the open occurrence its fault opened (null when none is open):
 * - FAULT or OFFLINE: linked to the open occurrence if there is one (even under a status the rules
 *   do not map: it is the same equipment failing), else opens the rule's category, else nothing;
 * - OK after something else, with the occurrence open: proposes its resolution;
 * - MAINTENANCE (out of service on purpose) and everything else: nothing.
 */
export function assetFaultDecision(
  rules: Pick<AssetRules, 'faults'>,
  asset: { kind: AssetKind; status: AssetStatus },
  newStatus: AssetStatus,
  openOccurrence: { id: string } | null,
): AssetFaultDecision {
  if (isFaultStatus(newStatus)) {
    if (openOccurrence) return { action: 'link', occurrenceId: openOccurrence.id };
    const rule = rules.faults.find((r) => r.kind === asset.kind && r.status === newStatus);
    if (!rule) return { action: 'nothing', reason: `the rule set opens nothing for a ${asset.kind} going ${newStatus}` };
    return { action: 'open', category: rule.category, flags: { ...rule.flags } };
  }
  if (newStatus === 'OK' && openOccurrence && asset.status !== 'OK') {
    return { action: 'propose-resolution', occurrenceId: openOccurrence.id };
  }
  if (newStatus === 'OK') return { action: 'nothing', reason: openOccurrence ? 'the asset was already OK' : 'no open occurrence of the asset' };
  return { action: 'nothing', reason: `${newStatus} opens no occurrence` };
}

/**
 * Whether an observation is newer than what the registry knows: devices and brokers deliver out of
 * order, and an older observation must neither change the status nor count as a report.
 */
export function isNewerObservation(observedAt: Date, lastObservedAt: Date | null): boolean {
  return lastObservedAt === null || observedAt.getTime() > lastObservedAt.getTime();
}

const KIND_PT: Record<AssetKind, string> = {
  CAMERA: 'Câmara',
  TRAFFIC_LIGHT: 'Semáforo',
  BOLLARD: 'Pilarete retrátil',
  FLOOD_SENSOR: 'Sensor de nível de cheia',
  AIR_QUALITY_SENSOR: 'Sensor de qualidade do ar',
  NOISE_SENSOR: 'Sensor de ruído',
  WEATHER_STATION: 'Estação meteorológica',
};
const STATUS_PT: Record<AssetStatus, string> = { OK: 'a funcionar', FAULT: 'em avaria', OFFLINE: 'sem comunicação', MAINTENANCE: 'em manutenção' };

/** The description of the occurrence an asset's fault opens (Portuguese, as operators read it). */
export function assetFaultDescription(asset: { kind: AssetKind; code: string; name: string }, status: AssetStatus, reason: string | null): string {
  return `${KIND_PT[asset.kind]} ${asset.code} (${asset.name}) ${STATUS_PT[status]}${reason ? `: ${reason}` : ''}. Aberta pelo registo de equipamentos.`;
}

/** The note an asset back to OK adds to its open occurrence. */
export function assetRestoredNote(asset: { kind: AssetKind; code: string; name: string }, reason: string | null): string {
  return `${KIND_PT[asset.kind]} ${asset.code} (${asset.name}) voltou a funcionar${reason ? ` (${reason})` : ''}: propõe-se resolver a ocorrência.`;
}
