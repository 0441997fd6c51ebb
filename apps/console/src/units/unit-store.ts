import type { LiveOccurrenceEvent, LiveUnitPositions, UnitEventPayload, UnitPosition, UnitStatus, UnitView } from '@cgi/shared';
import { KeyedStore, nextFrame } from '../live/frame-notifier';

/** What the console shows as stale without a word from the API (the rule set's default, 5 min). */
export const DEFAULT_STALE_AFTER_MS = 5 * 60_000;

const UNIT_EVENT_TYPES = new Set(['UNIT_DISPATCHED', 'UNIT_ON_SCENE_PROPOSED', 'UNIT_ON_SCENE', 'UNIT_RELEASED', 'UNIT_STATUS_CHANGED']);

export function isUnitEvent(e: LiveOccurrenceEvent): boolean {
  return UNIT_EVENT_TYPES.has(e.event.type);
}

/** The UnitEventPayload of a UNIT_* event, or null when the payload is not one. */
export function unitPayload(e: LiveOccurrenceEvent): UnitEventPayload | null {
  if (!isUnitEvent(e)) return null;
  const p = e.event.payload as Partial<UnitEventPayload>;
  const u = p.unit;
  return u && typeof u === 'object' && typeof u.id === 'string' && typeof u.status === 'string' && typeof u.version === 'number' ? (p as UnitEventPayload) : null;
}

/**
 * The console's picture of the fleet: a REST snapshot (`GET /units`, at every (re)connection of the
 * feed: positions are telemetry, not replayed), then `units:positions` (only a newer fix moves a unit)
 * and UNIT_* `occurrence:event`s (only a newer unit version changes its status). Listeners are told
 * at most once per animation frame, like the occurrence store.
 */
export class UnitStore extends KeyedStore<UnitView> {
  loaded = false;

  constructor(
    schedule: (fn: () => void) => void = nextFrame,
    readonly staleAfterMs = DEFAULT_STALE_AFTER_MS,
  ) {
    super(schedule);
  }


  /** The units on an occurrence (dispatched or on scene). */
  onOccurrence(occurrenceId: string): UnitView[] {
    return this.list().filter((u) => u.occurrence?.id === occurrenceId);
  }

  /**
   * Replaces the fleet with a snapshot; a unit changed on the feed meanwhile keeps its newer
   * version and its newer fix. Units missing from the snapshot are gone (retired, or out of scope).
   */
  load(items: UnitView[]): void {
    const next = new Map<string, UnitView>();
    for (const u of items) {
      const cur = this.items.get(u.id);
      let merged = u;
      if (cur && cur.version > u.version) merged = { ...u, ...pickStatus(cur) };
      if (cur?.position && (!merged.position || Date.parse(cur.position.at) > Date.parse(merged.position.at))) merged = { ...merged, position: cur.position, stale: cur.stale };
      next.set(u.id, merged);
    }
    this.items.clear();
    for (const [id, u] of next) this.items.set(id, u);
    this.loaded = true;
    this.changed();
  }

  /** Puts a unit the console fetched or changed itself (a command's answer), unless an older version. */
  put(u: UnitView): void {
    const cur = this.items.get(u.id);
    if (cur && cur.version > u.version) return;
    const position = cur?.position && (!u.position || Date.parse(cur.position.at) > Date.parse(u.position.at)) ? cur.position : u.position;
    this.items.set(u.id, { ...u, position, stale: position === u.position ? u.stale : (cur?.stale ?? u.stale) });
    this.changed();
  }

  /** A unit retired by this console. */
  remove(id: string): void {
    if (this.items.delete(id)) this.changed();
  }

  /** Live positions: a fix moves its unit only when newer than the one shown. */
  applyPositions(p: LiveUnitPositions): number {
    let moved = 0;
    for (const { unitId, ...fix } of p.positions) {
      const u = this.items.get(unitId);
      if (!u) continue;
      if (u.position && Date.parse(u.position.at) >= Date.parse(fix.at)) continue;
      const position: UnitPosition = { lat: fix.lat, lon: fix.lon, at: fix.at, speedKmh: fix.speedKmh ?? null, headingDeg: fix.headingDeg ?? null };
      this.items.set(unitId, { ...u, position, stale: false });
      moved++;
    }
    if (moved) this.changed();
    return moved;
  }

  /** A UNIT_* event: the unit's status, reason and occurrence, when newer than what is shown. */
  applyEvent(e: LiveOccurrenceEvent): boolean {
    const p = unitPayload(e);
    if (!p) return false;
    const u = this.items.get(p.unit.id);
    if (!u || u.version >= p.unit.version) return false;
    let occurrence = u.occurrence;
    if (p.unit.status === 'AVAILABLE' || p.unit.status === 'UNAVAILABLE') occurrence = null;
    else if (p.occurrenceId) occurrence = { id: p.occurrenceId, reference: e.occurrence?.id === p.occurrenceId ? e.occurrence.reference : (u.occurrence?.id === p.occurrenceId ? u.occurrence.reference : '') };
    this.items.set(u.id, {
      ...u,
      status: p.unit.status,
      unavailableReason: p.unit.unavailableReason,
      version: p.unit.version,
      statusChangedAt: p.unit.status !== u.status ? e.event.at : u.statusChangedAt,
      occurrence,
    });
    this.changed();
    return true;
  }

  /**
   * Re-judges staleness as of `now` (the API judged it at the snapshot): a unit whose last fix is older
   * than the stale time goes grey, one heard again is not; a unit that never reported stays stale.
   */
  refreshStale(now: number): boolean {
    let changed = false;
    for (const [id, u] of this.items) {
      if (!u.position) continue;
      const stale = now - Date.parse(u.position.at) > this.staleAfterMs;
      if (stale !== u.stale) {
        this.items.set(id, { ...u, stale });
        changed = true;
      }
    }
    if (changed) this.changed();
    return changed;
  }
}

function pickStatus(u: UnitView): Pick<UnitView, 'status' | 'unavailableReason' | 'statusChangedAt' | 'occurrence' | 'version'> {
  return { status: u.status, unavailableReason: u.unavailableReason, statusChangedAt: u.statusChangedAt, occurrence: u.occurrence, version: u.version };
}

/** Counts of units by status for each department (the videowall's table). */
export function countByStatus(units: Iterable<UnitView>): Map<string, Record<UnitStatus, number> & { total: number; stale: number }> {
  const out = new Map<string, Record<UnitStatus, number> & { total: number; stale: number }>();
  for (const u of units) {
    let row = out.get(u.department);
    if (!row) {
      row = { AVAILABLE: 0, DISPATCHED: 0, ON_SCENE: 0, UNAVAILABLE: 0, total: 0, stale: 0 };
      out.set(u.department, row);
    }
    row[u.status]++;
    row.total++;
    if (u.stale) row.stale++;
  }
  return out;
}
