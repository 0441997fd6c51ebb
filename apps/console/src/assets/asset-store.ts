import { ASSET_LAYER_OF, type AssetLayer, type AssetView, type LiveAssetStatus } from '@cgi/shared';
import { KeyedStore, nextFrame } from '../live/frame-notifier';

/** Is `next` newer than `cur`? By version, then by the status's time (two answers of the same version are the same). */
function newer(cur: AssetView | undefined, next: AssetView): boolean {
  if (!cur) return true;
  if (next.version !== cur.version) return next.version > cur.version;
  return Date.parse(next.statusChangedAt) > Date.parse(cur.statusChangedAt);
}

/**
 * The console's picture of the city's assets: a REST snapshot (`GET /assets`, at every (re)connection of
 * the feed: `assets:status` is not replayed), then `assets:status` messages. Only a newer version
 * replaces an asset, so a late snapshot never undoes a change the feed brought meanwhile. Listeners are
 * told at most once per animation frame.
 */
export class AssetStore extends KeyedStore<AssetView> {
  /** Bumped when membership or places change (the map's cluster indexes are rebuilt); a status change only redraws. */
  structureRevision = 0;
  loaded = false;

  constructor(schedule: (fn: () => void) => void = nextFrame) {
    super(schedule);
  }

  /** Replaces the registry with a snapshot; an asset changed on the feed meanwhile keeps its newer version. */
  load(items: AssetView[]): void {
    const next = new Map<string, AssetView>();
    for (const a of items) {
      const cur = this.items.get(a.id);
      next.set(a.id, cur && !newer(cur, a) ? cur : a);
    }
    this.items.clear();
    for (const [id, a] of next) this.items.set(id, a);
    this.loaded = true;
    this.structureRevision++;
    this.changed();
  }

  /** Live status changes (and an asset the console fetched itself): applied when newer. Returns how many changed. */
  apply(p: LiveAssetStatus): number {
    let changed = 0;
    let moved = false;
    for (const a of p.assets) {
      const cur = this.items.get(a.id);
      if (!newer(cur, a)) continue;
      if (!cur || cur.location.lat !== a.location.lat || cur.location.lon !== a.location.lon || cur.kind !== a.kind) moved = true;
      this.items.set(a.id, a);
      changed++;
    }
    if (moved) this.structureRevision++;
    if (changed) this.changed();
    return changed;
  }

  put(a: AssetView): void {
    this.apply({ assets: [a] });
  }

  /** Assets of each layer by status (the layer toggles' counts). */
  countByLayer(): Record<AssetLayer, { total: number; notOk: number }> {
    const out = { CAMERA: { total: 0, notOk: 0 }, TRAFFIC_LIGHT: { total: 0, notOk: 0 }, BOLLARD: { total: 0, notOk: 0 }, SENSOR: { total: 0, notOk: 0 } };
    for (const a of this.items.values()) {
      const row = out[ASSET_LAYER_OF[a.kind]];
      row.total++;
      if (a.status !== 'OK') row.notOk++;
    }
    return out;
  }
}
