import L from 'leaflet';
import Supercluster from 'supercluster';
import type { EscalationLevel, Priority } from '@cgi/shared';
import { levelRank, priorityRank } from '../common/urgency';
import type { OccurrenceStore } from '../live/occurrence-store';
import { canvasRatio } from './canvas-layer';
import { GLYPH_LEGEND, categoryGlyph } from './marker-style';
import { SpriteCache, clusterRadius, occurrenceSpriteJobs, ringRadius } from './marker-sprites';
import { buildClusterIndex } from './sliced-cluster-index';

interface PointProps {
  id: string;
}

const PRIORITIES: Priority[] = ['P1', 'P1', 'P2', 'P3', 'P4'];
const LEVELS: EscalationLevel[] = ['L0', 'L1', 'L2', 'L3'];
/** Cluster index rebuilds (membership or place changed) at most this often, longer when a rebuild is slow. */
const REBUILD_MS = 400;
/**
 * Redraws caused by live updates (priority, escalation) at most this often: 4 Hz is plenty for the eye, and
 * with 100 updates/s every redraw repaints both full-screen canvases (a software canvas rasterises them on the main thread).
 */
const REFRESH_MS = 250;
/** The cluster index is built in slices of about this long (a 10,000-occurrence snapshot takes a few). */
const BUILD_SLICE_MS = 8;
const CLUSTER_OPTIONS: Supercluster.Options<PointProps, Supercluster.AnyProps> = { radius: 48, maxZoom: 16 };

export interface OccurrenceLayerOptions {
  /** Marker radius in CSS pixels (the videowall draws larger). */
  radius: number;
  onSelect?: (id: string) => void;
  highlight?: string | null;
  /** True when something drawn above (a unit) takes a click at this container point. */
  covered?: (x: number, y: number) => boolean;
}

interface Drawn {
  x: number;
  y: number;
  r: number;
  priority: Priority;
  level: EscalationLevel;
  id?: string;
  glyph?: string;
  clusterId?: number;
  count?: number;
  lat: number;
  lon: number;
}

/**
 * Every open occurrence on two canvases: supercluster groups them by zoom (the cluster shows the
 * highest priority and escalation of its members), markers are stamped from pre-rendered sprites,
 * a few hundred per frame instead of thousands of DOM markers. Escalated occurrences get a ring on
 * a second canvas that blinks by CSS (the compositor's work, no redraw) with their level written beside
 * them on the first.
 *
 * Nothing is drawn per event: live updates are coalesced (the store tells once per frame, the layer
 * redraws at most every REFRESH_MS), the cluster index is rebuilt only when membership or places
 * change (throttled), a priority or escalation change only redraws, and a canvas whose content would
 * be identical is not touched (at 4K, rasterising and committing a changed canvas is the frame's cost).
 */
export class OccurrenceLayer extends L.Layer {
  private markers!: HTMLCanvasElement;
  private rings!: HTMLCanvasElement;
  /** Geometry only: priority and escalation of clusters are worked out from their members at draw time. */
  private index = new Supercluster<PointProps>(CLUSTER_OPTIONS).load([]);
  /** The index `drawn` comes from (the next one is swapped in by the next draw), and the members of its clusters drawn (cluster ids are per index). */
  private drawnIndex = this.index;
  private leaves = new Map<number, string[]>();
  /** Cancels the build in progress. */
  private building: (() => void) | null = null;
  private indexRevision = -1;
  private appearanceRevision = -1;
  private lastBuild = 0;
  private lastRefresh = 0;
  /** Rebuilds take at most ~10% of the time: the throttle grows with the cost of the last one. */
  private rebuildEvery = REBUILD_MS;
  private rebuildTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private frame: number | null = null;
  private drawn: Drawn[] = [];
  private markersKey = '';
  private ringsKey = '';
  private ratio = 0;
  private sprites = new SpriteCache(1);
  private unsubscribe: (() => void) | null = null;
  private hidden = false;
  /** Frames drawn (the benchmark reads it). */
  draws = 0;
  /** Canvas repaints (markers or rings changed). */
  paints = 0;

  constructor(
    private readonly store: OccurrenceStore,
    private readonly opts: OccurrenceLayerOptions,
  ) {
    super();
  }

  /** True when what is drawn shows the store's current membership and places: no build running or waiting, the newest index drawn (benchmark). */
  get settled(): boolean {
    return !this.building && this.indexRevision === this.store.structureRevision && this.drawnIndex === this.index && this.frame === null;
  }

  /** True when the occurrence is on screen now, alone or inside a drawn cluster (tests, benchmark). */
  isDrawn(id: string): boolean {
    return this.drawn.some((d) => d.id === id || (d.clusterId !== undefined && this.leavesOf(d.clusterId).includes(id)));
  }

  setHighlight(id: string | null): void {
    this.opts.highlight = id;
    this.requestDraw();
  }

  override onAdd(map: L.Map): this {
    const container = map.getContainer();
    this.rings = L.DomUtil.create('canvas', 'occurrence-canvas occurrence-canvas--rings') as HTMLCanvasElement;
    this.markers = L.DomUtil.create('canvas', 'occurrence-canvas') as HTMLCanvasElement;
    for (const c of [this.rings, this.markers]) {
      c.setAttribute('aria-hidden', 'true');
      container.appendChild(c);
    }
    map.on('move zoomend viewreset resize', this.requestDraw, this);
    map.on('zoomstart', this.hide, this);
    map.on('zoomend', this.show, this);
    map.on('click', this.onClick, this);
    this.unsubscribe = this.store.subscribe(() => this.onStoreChange());
    this.rebuild();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('move zoomend viewreset resize', this.requestDraw, this);
    map.off('zoomstart', this.hide, this);
    map.off('zoomend', this.show, this);
    map.off('click', this.onClick, this);
    this.unsubscribe?.();
    if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.building?.();
    this.building = null;
    this.sprites.dispose();
    this.markers.remove();
    this.rings.remove();
    return this;
  }

  private hide(): void {
    this.hidden = true;
    this.markers.style.visibility = 'hidden';
    this.rings.style.visibility = 'hidden';
  }

  private show(): void {
    this.hidden = false;
    this.markers.style.visibility = 'visible';
    this.rings.style.visibility = 'visible';
    this.requestDraw();
  }

  /** Rebuilds the index when membership or places changed; redraws (throttled) when only looks changed. */
  private onStoreChange(): void {
    if (this.store.structureRevision !== this.indexRevision) {
      const since = Date.now() - this.lastBuild;
      if (since >= this.rebuildEvery) this.rebuild();
      else if (!this.rebuildTimer) this.rebuildTimer = setTimeout(() => this.rebuild(), this.rebuildEvery - since);
      return;
    }
    if (this.store.appearanceRevision === this.appearanceRevision || this.refreshTimer) return;
    const since = Date.now() - this.lastRefresh;
    if (since >= REFRESH_MS) this.requestDraw();
    else
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = null;
        this.requestDraw();
      }, REFRESH_MS - since);
  }

  /**
   * Builds a new index in slices (drawing goes on with the current one) and swaps it in when done. A change
   * during a build waits for it and is the next build.
   */
  private rebuild(): void {
    this.rebuildTimer = null;
    this.lastBuild = Date.now();
    if (this.building || this.store.structureRevision === this.indexRevision) {
      this.requestDraw();
      return;
    }
    this.indexRevision = this.store.structureRevision;
    const features: Array<Supercluster.PointFeature<PointProps>> = [];
    this.store.forEachOpen((o) => {
      features.push({ type: 'Feature', properties: { id: o.id }, geometry: { type: 'Point', coordinates: [o.location.lon, o.location.lat] } });
    });
    this.building = buildClusterIndex(CLUSTER_OPTIONS, features, BUILD_SLICE_MS, (index, busyMs) => {
      this.building = null;
      this.index = index;
      this.rebuildEvery = Math.max(REBUILD_MS, busyMs * 10);
      this.requestDraw();
      if (this.store.structureRevision !== this.indexRevision) this.onStoreChange();
    });
  }

  private leavesOf(clusterId: number): string[] {
    let ids = this.leaves.get(clusterId);
    if (!ids) {
      ids = this.drawnIndex.getLeaves(clusterId, Infinity).map((l) => l.properties.id);
      this.leaves.set(clusterId, ids);
    }
    return ids;
  }

  private requestDraw = (): void => {
    if (this.frame !== null || !this._map) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
    });
  };

  /** What is on screen now: clusters and points in view, most urgent last (drawn on top). */
  private collect(map: L.Map): Drawn[] {
    const b = map.getBounds().pad(0.1);
    const zoom = Math.round(map.getZoom());
    const r = this.opts.radius;
    const out: Drawn[] = [];
    for (const f of this.index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom)) {
      const [lon, lat] = f.geometry.coordinates;
      const pt = map.latLngToContainerPoint([lat, lon]);
      const x = Math.round(pt.x);
      const y = Math.round(pt.y);
      const props = f.properties as PointProps & Partial<Supercluster.ClusterProperties>;
      if (props.cluster && props.cluster_id !== undefined) {
        let p = 9;
        let l = 0;
        for (const id of this.leavesOf(props.cluster_id)) {
          const o = this.store.get(id);
          if (!o) continue;
          p = Math.min(p, priorityRank(o.priority));
          l = Math.max(l, levelRank(o.escalationLevel));
        }
        const count = props.point_count ?? 0;
        const cr = clusterRadius(r, count);
        out.push({ x, y, r: cr, priority: PRIORITIES[p] ?? 'P3', level: LEVELS[l] ?? 'L0', clusterId: props.cluster_id, count, lat, lon });
        continue;
      }
      const o = this.store.get(props.id);
      if (!o) continue;
      out.push({ x, y, r, priority: o.priority, level: o.escalationLevel, id: o.id, glyph: categoryGlyph(o.category), lat, lon });
    }
    out.sort((a, b2) => priorityRank(b2.priority) - priorityRank(a.priority) || levelRank(a.level) - levelRank(b2.level));
    return out;
  }

  private draw(): void {
    const map = this._map;
    if (!map || this.hidden) return;
    this.draws++;
    this.lastRefresh = Date.now();
    this.appearanceRevision = this.store.appearanceRevision;
    const size = map.getSize();
    const ratio = canvasRatio(size);
    let resized = false;
    if (ratio !== this.ratio) {
      this.ratio = ratio;
      this.sprites.dispose();
      this.sprites = new SpriteCache(ratio);
      // The fixed set of sprites made while the page is idle (before the snapshot arrives, on the first draw).
      this.sprites.prepare(occurrenceSpriteJobs(this.opts.radius, GLYPH_LEGEND.map((g) => g.glyph)));
      resized = true;
    }
    for (const c of [this.markers, this.rings]) {
      const w = Math.round(size.x * ratio);
      const h = Math.round(size.y * ratio);
      if (c.width !== w || c.height !== h) {
        c.width = w;
        c.height = h;
        c.style.width = `${size.x}px`;
        c.style.height = `${size.y}px`;
        resized = true;
      }
    }
    if (this.drawnIndex !== this.index) {
      this.drawnIndex = this.index;
      this.leaves.clear();
    }
    const items = this.collect(map);
    this.drawn = items;
    const highlight = this.opts.highlight ?? '';
    // A canvas is repainted only when what it shows changed (a live update often changes nothing visible).
    let markersKey = `${size.x}x${size.y}|${highlight}`;
    let ringsKey = `${size.x}x${size.y}`;
    for (const d of items) {
      markersKey += `|${d.x},${d.y},${d.r},${d.priority},${d.level},${d.glyph ?? d.count}`;
      if (d.level !== 'L0') ringsKey += `|${d.x},${d.y},${d.r},${d.level}`;
    }
    if (resized || markersKey !== this.markersKey) {
      this.markersKey = markersKey;
      this.paintMarkers(items, highlight);
    }
    if (resized || ringsKey !== this.ringsKey) {
      this.ringsKey = ringsKey;
      this.paintRings(items);
    }
  }

  private context(c: HTMLCanvasElement): CanvasRenderingContext2D | null {
    const ctx = c.getContext('2d');
    if (!ctx) return null;
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    ctx.clearRect(0, 0, c.width / this.ratio, c.height / this.ratio);
    return ctx;
  }

  private paintMarkers(items: Drawn[], highlight: string): void {
    const ctx = this.context(this.markers);
    if (!ctx) return;
    this.paints++;
    this.sprites.beginPaint();
    for (const d of items) {
      if (d.clusterId !== undefined) {
        const count = d.count ?? 0;
        this.sprites.cluster(ctx, d.priority, count >= 10000 ? `${Math.round(count / 1000)}k` : String(count), d.x, d.y, d.r, this.opts.radius);
      } else {
        this.sprites.marker(ctx, d.priority, d.glyph ?? '?', d.x, d.y, d.r);
        if (d.id === highlight) {
          ctx.beginPath();
          ctx.arc(d.x, d.y, d.r * 1.9, 0, Math.PI * 2);
          ctx.lineWidth = 3;
          ctx.strokeStyle = '#ffffff';
          ctx.stroke();
        }
      }
      if (d.level !== 'L0') this.sprites.levelLabel(ctx, d.level, d.x + d.r * 2.3, d.y - d.r * 1.4, d.clusterId === undefined ? d.r : this.opts.radius);
    }
  }

  private paintRings(items: Drawn[]): void {
    const ctx = this.context(this.rings);
    if (!ctx) return;
    this.paints++;
    for (const d of items) if (d.level !== 'L0') this.sprites.ring(ctx, d.level, d.x, d.y, ringRadius(d.r));
  }

  /** True when an occurrence or a cluster is drawn under this container point (what is drawn below leaves the click to it). */
  hitAt(x: number, y: number): boolean {
    return this.hitDrawn(x, y) !== undefined;
  }

  private hitDrawn(x: number, y: number): Drawn | undefined {
    for (let i = this.drawn.length - 1; i >= 0; i--) {
      const d = this.drawn[i];
      if ((d.x - x) ** 2 + (d.y - y) ** 2 <= (d.r + 4) ** 2) return d;
    }
    return undefined;
  }

  private onClick(e: L.LeafletMouseEvent): void {
    const { x, y } = e.containerPoint;
    if (this.opts.covered?.(x, y)) return;
    const hit = this.hitDrawn(x, y);
    if (!hit) return;
    if (hit.id) this.opts.onSelect?.(hit.id);
    else if (hit.clusterId !== undefined && this._map) {
      this._map.setView([hit.lat, hit.lon], Math.min(this.drawnIndex.getClusterExpansionZoom(hit.clusterId), 18));
    }
  }
}
