import L from 'leaflet';
import Supercluster from 'supercluster';
import { ASSET_LAYERS, ASSET_LAYER_OF, type AssetLayer as AssetLayerCode, type AssetStatus } from '@cgi/shared';
import type { AssetStore } from '../assets/asset-store';
import { ASSET_STATUS_STYLE, assetSymbolHalf, drawAssetSymbol, worstStatus } from '../assets/asset-style';
import { CanvasLayer } from './canvas-layer';

interface PointProps {
  id: string;
}

/** Status changes redraw at most this often (a storm can fail many at once). */
const REFRESH_MS = 250;
const CLUSTER_OPTIONS: Supercluster.Options<PointProps, Supercluster.AnyProps> = { radius: 44, maxZoom: 17 };

export interface AssetLayerOptions {
  /** Symbol half-size in CSS pixels (the videowall draws larger). */
  size: number;
  /** The layers shown (ASSET_LAYERS). */
  visible: ReadonlySet<AssetLayerCode>;
  onSelect?: (id: string) => void;
  highlight?: string | null;
  /** True when something drawn above (an occurrence, a unit) takes a click at this container point. */
  covered?: (x: number, y: number) => boolean;
}

/** An asset or a cluster of one layer's assets, where it is drawn (container pixels). */
export interface DrawnAsset {
  layer: AssetLayerCode;
  x: number;
  y: number;
  /** Hit radius. */
  r: number;
  /** The asset's status, or the worst of the cluster's members. */
  status: AssetStatus;
  id?: string;
  clusterId?: number;
  count?: number;
  lat: number;
  lon: number;
}

/**
 * The city's assets (cameras, traffic lights, bollards, sensors) on their own canvas under the
 * occurrences: one supercluster index per layer, so a cluster is of one kind (its symbol, its count)
 * and takes the colour of its worst member (a fault shows from the city's zoom). Symbols are sprites
 * (layer × status); the canvas is repainted only when what it shows changed.
 */
export class AssetLayer extends CanvasLayer {
  private indexes = new Map<AssetLayerCode, Supercluster<PointProps>>();
  private leaves = new Map<string, string[]>();
  private indexRevision = -1;
  private drawn: DrawnAsset[] = [];
  private key = '';
  /** Repaints (tests). */
  paints = 0;

  constructor(
    private readonly store: AssetStore,
    private readonly opts: AssetLayerOptions,
  ) {
    super('asset-canvas', REFRESH_MS, store);
  }

  setVisible(layers: ReadonlySet<AssetLayerCode>): void {
    this.opts.visible = layers;
    this.requestDraw();
  }

  setHighlight(id: string | null): void {
    this.opts.highlight = id;
    this.requestDraw();
  }

  /** How an asset is drawn now: alone, or inside a cluster (its worst status); null when not on screen (tests). */
  drawnAsset(id: string): (DrawnAsset & { clustered: boolean }) | null {
    for (const d of this.drawn) {
      if (d.id === id) return { ...d, clustered: false };
      if (d.clusterId !== undefined && this.leavesOf(d.layer, d.clusterId).includes(id)) return { ...d, clustered: true };
    }
    return null;
  }

  /** Symbols and clusters drawn per layer (tests). */
  drawnCount(): Record<AssetLayerCode, number> {
    const out = Object.fromEntries(ASSET_LAYERS.map((l) => [l, 0])) as Record<AssetLayerCode, number>;
    for (const d of this.drawn) out[d.layer] += d.count ?? 1;
    return out;
  }

  /** The asset under a container point (a single symbol, not a cluster), if any. */
  hit(x: number, y: number): string | null {
    return this.hitDrawn(x, y)?.id ?? null;
  }

  override onAdd(map: L.Map): this {
    map.on('click', this.onClick, this);
    return super.onAdd(map);
  }

  override onRemove(map: L.Map): this {
    map.off('click', this.onClick, this);
    return super.onRemove(map);
  }

  /** A new or moved asset: drawn at once (the indexes are rebuilt on the draw); a status change: throttled. */
  protected override onSourceChange(): void {
    if (this.store.structureRevision !== this.indexRevision) this.requestDraw();
    else super.onSourceChange();
  }

  /** The symbols of every layer in every status, made while the page is idle. */
  protected onNewRatio(): void {
    const s = this.opts.size;
    this.sprites.prepare(
      ASSET_LAYERS.flatMap((layer) =>
        (Object.keys(ASSET_STATUS_STYLE) as AssetStatus[]).map((status) => ({ key: symbolKey(layer, status, s), half: assetSymbolHalf(s), paint: (c: Parameters<typeof drawAssetSymbol>[0]) => drawAssetSymbol(c, layer, status, s) })),
      ),
    );
  }

  /** A few hundred assets: the per-layer indexes are built in one go when membership or places changed. */
  private rebuild(): void {
    this.indexRevision = this.store.structureRevision;
    const features = new Map<AssetLayerCode, Array<Supercluster.PointFeature<PointProps>>>(ASSET_LAYERS.map((l) => [l, []]));
    this.store.forEach((a) => {
      features.get(ASSET_LAYER_OF[a.kind])?.push({ type: 'Feature', properties: { id: a.id }, geometry: { type: 'Point', coordinates: [a.location.lon, a.location.lat] } });
    });
    this.indexes = new Map(ASSET_LAYERS.map((l) => [l, new Supercluster<PointProps>(CLUSTER_OPTIONS).load(features.get(l) ?? [])]));
    this.leaves.clear();
  }

  private leavesOf(layer: AssetLayerCode, clusterId: number): string[] {
    const k = `${layer}|${clusterId}`;
    let ids = this.leaves.get(k);
    if (!ids) {
      ids = this.indexes.get(layer)?.getLeaves(clusterId, Infinity).map((l) => l.properties.id) ?? [];
      this.leaves.set(k, ids);
    }
    return ids;
  }

  private collect(map: L.Map): DrawnAsset[] {
    const b = map.getBounds().pad(0.1);
    const bbox: [number, number, number, number] = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    const zoom = Math.round(map.getZoom());
    const s = this.opts.size;
    const out: DrawnAsset[] = [];
    for (const layer of ASSET_LAYERS) {
      if (!this.opts.visible.has(layer)) continue;
      for (const f of this.indexes.get(layer)?.getClusters(bbox, zoom) ?? []) {
        const [lon, lat] = f.geometry.coordinates;
        const pt = map.latLngToContainerPoint([lat, lon]);
        const x = Math.round(pt.x);
        const y = Math.round(pt.y);
        const props = f.properties as PointProps & Partial<Supercluster.ClusterProperties>;
        if (props.cluster && props.cluster_id !== undefined) {
          const status = worstStatus(this.leavesOf(layer, props.cluster_id).map((id) => this.store.get(id)?.status ?? 'OK'));
          out.push({ layer, x, y, r: s * 1.6, status, clusterId: props.cluster_id, count: props.point_count ?? 0, lat, lon });
          continue;
        }
        const a = this.store.get(props.id);
        if (a) out.push({ layer, x, y, r: s + 3, status: a.status, id: a.id, lat, lon });
      }
    }
    // Faults on top.
    const rank: Record<AssetStatus, number> = { OK: 0, MAINTENANCE: 1, OFFLINE: 2, FAULT: 3 };
    out.sort((a, b2) => rank[a.status] - rank[b2.status]);
    return out;
  }

  protected draw(map: L.Map): void {
    if (this.store.structureRevision !== this.indexRevision) this.rebuild();
    const size = map.getSize();
    const resized = this.fitCanvas(size);
    const ratio = this.ratio;
    const items = this.collect(map);
    this.drawn = items;
    // Nothing to show (no assets, every layer off): no canvas to composite over the map at each frame.
    const empty = items.length === 0;
    this.canvas.style.display = empty ? 'none' : '';
    if (empty) {
      this.key = '';
      return;
    }
    const highlight = this.opts.highlight ?? '';
    let key = `${size.x}x${size.y}|${highlight}`;
    for (const d of items) key += `|${d.layer},${d.x},${d.y},${d.status},${d.count ?? d.id}`;
    if (!resized && key === this.key) return;
    this.key = key;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    this.paints++;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    const s = this.opts.size;
    for (const d of items) {
      if (d.clusterId !== undefined) {
        this.cluster(ctx, d, s);
        continue;
      }
      this.sprites.stamp(ctx, symbolKey(d.layer, d.status, s), assetSymbolHalf(s), d.x, d.y, (c) => drawAssetSymbol(c, d.layer, d.status, s));
      if (d.id === highlight) {
        ctx.beginPath();
        ctx.arc(d.x, d.y, s * 1.9, 0, Math.PI * 2);
        ctx.lineWidth = 3;
        ctx.strokeStyle = '#ffffff';
        ctx.stroke();
      }
    }
  }

  /** A cluster: a dark pill with the layer's symbol (in the worst member's status) and the count. */
  private cluster(ctx: CanvasRenderingContext2D, d: DrawnAsset, s: number): void {
    const text = String(d.count ?? 0);
    const font = Math.round(s * 1.15);
    const w = s * 2.6 + text.length * font * 0.62 + s * 0.6;
    const h = s * 2.3;
    const left = d.x - w / 2;
    ctx.beginPath();
    ctx.roundRect(left, d.y - h / 2, w, h, h / 2);
    ctx.fillStyle = 'rgba(11,17,24,0.88)';
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = ASSET_STATUS_STYLE[d.status].fill;
    ctx.stroke();
    const sx = left + s * 1.4;
    this.sprites.stamp(ctx, symbolKey(d.layer, d.status, s * 0.8), assetSymbolHalf(s * 0.8), sx, d.y, (c) => drawAssetSymbol(c, d.layer, d.status, s * 0.8));
    ctx.font = `800 ${font}px system-ui, sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#ffffff';
    ctx.fillText(text, sx + s * 1.25, d.y + 1);
  }

  private hitDrawn(x: number, y: number): DrawnAsset | undefined {
    for (let i = this.drawn.length - 1; i >= 0; i--) {
      const d = this.drawn[i];
      if ((d.x - x) ** 2 + (d.y - y) ** 2 <= d.r ** 2) return d;
    }
    return undefined;
  }

  private onClick(e: L.LeafletMouseEvent): void {
    if (!this.opts.onSelect) return;
    const { x, y } = e.containerPoint;
    if (this.opts.covered?.(x, y)) return;
    const hit = this.hitDrawn(x, y);
    if (!hit) return;
    if (hit.id) this.opts.onSelect(hit.id);
    else if (hit.clusterId !== undefined && this._map) {
      const zoom = this.indexes.get(hit.layer)?.getClusterExpansionZoom(hit.clusterId) ?? this._map.getZoom() + 1;
      this._map.setView([hit.lat, hit.lon], Math.min(zoom, 18));
    }
  }
}

function symbolKey(layer: AssetLayerCode, status: AssetStatus, s: number): string {
  return `a|${layer}|${status}|${s}`;
}
