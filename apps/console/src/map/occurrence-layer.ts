import L from 'leaflet';
import Supercluster from 'supercluster';
import type { EscalationLevel, OccurrenceView, Priority } from '@cgi/shared';
import { levelRank, priorityRank } from '../common/urgency';
import type { OccurrenceStore } from '../live/occurrence-store';
import { ESCALATION_COLOR, PRIORITY_STYLE, categoryGlyph, drawShape } from './marker-style';

interface PointProps {
  id: string;
  p: number;
  l: number;
}
interface ClusterProps {
  p: number;
  l: number;
}

const PRIORITIES: Priority[] = ['P1', 'P1', 'P2', 'P3', 'P4'];
const LEVELS: EscalationLevel[] = ['L0', 'L1', 'L2', 'L3'];
const REBUILD_MS = 400;

export interface OccurrenceLayerOptions {
  /** Marker radius in CSS pixels (the videowall draws larger). */
  radius: number;
  onSelect?: (id: string) => void;
  highlight?: string | null;
}

interface Drawn {
  x: number;
  y: number;
  r: number;
  id?: string;
  clusterId?: number;
  lat: number;
  lon: number;
}

/**
 * Every open occurrence on one canvas: supercluster groups them by zoom (the cluster takes the
 * highest priority and escalation of its members), the canvas draws a few hundred shapes per frame
 * instead of thousands of DOM markers. Escalated occurrences pulse with their level's colour.
 */
export class OccurrenceLayer extends L.Layer {
  private canvas!: HTMLCanvasElement;
  private index = new Supercluster<PointProps, ClusterProps>({
    radius: 48,
    maxZoom: 16,
    map: (p) => ({ p: p.p, l: p.l }),
    reduce: (acc, p) => {
      acc.p = Math.min(acc.p, p.p);
      acc.l = Math.max(acc.l, p.l);
    },
  });
  private indexRevision = -1;
  private lastBuild = 0;
  /** Rebuilds take at most ~10% of the time: the throttle grows with the cost of the last one. */
  private rebuildEvery = REBUILD_MS;
  private pulseTimer: ReturnType<typeof setTimeout> | null = null;
  private rebuildTimer: ReturnType<typeof setTimeout> | null = null;
  private frame: number | null = null;
  private pulsing = false;
  private drawn: Drawn[] = [];
  private unsubscribe: (() => void) | null = null;
  private hidden = false;
  /** Frames drawn (the benchmark reads it). */
  draws = 0;

  constructor(
    private readonly store: OccurrenceStore,
    private readonly opts: OccurrenceLayerOptions,
  ) {
    super();
  }

  /** True when the occurrence is on screen now, alone or inside a drawn cluster (tests, benchmark). */
  isDrawn(id: string): boolean {
    return this.drawn.some((d) => d.id === id || (d.clusterId !== undefined && this.index.getLeaves(d.clusterId, Infinity).some((l) => l.properties.id === id)));
  }

  setHighlight(id: string | null): void {
    this.opts.highlight = id;
    this.requestDraw();
  }

  override onAdd(map: L.Map): this {
    this.canvas = L.DomUtil.create('canvas', 'occurrence-canvas') as HTMLCanvasElement;
    this.canvas.setAttribute('aria-hidden', 'true');
    map.getContainer().appendChild(this.canvas);
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
    if (this.pulseTimer) clearTimeout(this.pulseTimer);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.canvas.remove();
    return this;
  }

  private hide(): void {
    this.hidden = true;
    this.canvas.style.visibility = 'hidden';
  }

  private show(): void {
    this.hidden = false;
    this.canvas.style.visibility = 'visible';
    this.requestDraw();
  }

  /** Rebuilds the cluster index when membership, place, priority or escalation changed; redraws otherwise. */
  private onStoreChange(): void {
    if (this.store.structureRevision === this.indexRevision) {
      this.requestDraw();
      return;
    }
    const since = Date.now() - this.lastBuild;
    if (since >= this.rebuildEvery) this.rebuild();
    else if (!this.rebuildTimer) this.rebuildTimer = setTimeout(() => this.rebuild(), this.rebuildEvery - since);
  }

  private rebuild(): void {
    this.rebuildTimer = null;
    this.lastBuild = Date.now();
    if (this.store.structureRevision !== this.indexRevision) {
      const started = performance.now();
      this.indexRevision = this.store.structureRevision;
      const features: Array<Supercluster.PointFeature<PointProps>> = [];
      this.store.forEachOpen((o) => {
        features.push({
          type: 'Feature',
          properties: { id: o.id, p: priorityRank(o.priority), l: levelRank(o.escalationLevel) },
          geometry: { type: 'Point', coordinates: [o.location.lon, o.location.lat] },
        });
      });
      this.index.load(features);
      this.rebuildEvery = Math.max(REBUILD_MS, (performance.now() - started) * 10);
    }
    this.requestDraw();
  }

  private requestDraw = (): void => {
    if (this.frame !== null || !this._map) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
    });
  };

  private draw(): void {
    const map = this._map;
    if (!map || this.hidden) return;
    this.draws++;
    const size = map.getSize();
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== size.x * dpr || this.canvas.height !== size.y * dpr) {
      this.canvas.width = size.x * dpr;
      this.canvas.height = size.y * dpr;
      this.canvas.style.width = `${size.x}px`;
      this.canvas.style.height = `${size.y}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    const b = map.getBounds().pad(0.1);
    const zoom = Math.round(map.getZoom());
    const items = this.index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom);
    const r = this.opts.radius;
    const t = performance.now();
    const pulse = (Math.sin(t / 220) + 1) / 2;
    let anyEscalated = false;
    this.drawn = [];
    // Lowest priority first so the most urgent are drawn on top.
    items.sort((a, b2) => b2.properties.p - a.properties.p || a.properties.l - b2.properties.l);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const f of items) {
      const [lon, lat] = f.geometry.coordinates;
      const pt = map.latLngToContainerPoint([lat, lon]);
      const props = f.properties as PointProps & ClusterProps & Partial<Supercluster.ClusterProperties>;
      const level = LEVELS[props.l] ?? 'L0';
      const priority = PRIORITIES[props.p] ?? 'P3';
      const ring = ESCALATION_COLOR[level];
      if (props.cluster) {
        const count = props.point_count ?? 0;
        const cr = r * (1.2 + Math.min(1.6, Math.log10(count + 1) * 0.7));
        if (ring) {
          anyEscalated = true;
          this.drawRing(ctx, pt.x, pt.y, cr, ring, pulse, level);
        }
        ctx.beginPath();
        ctx.arc(pt.x, pt.y, cr, 0, Math.PI * 2);
        ctx.fillStyle = 'rgba(16,24,36,0.9)';
        ctx.fill();
        ctx.lineWidth = Math.max(3, r / 3);
        ctx.strokeStyle = PRIORITY_STYLE[priority].color;
        ctx.stroke();
        ctx.fillStyle = '#ffffff';
        ctx.font = `700 ${Math.round(cr * 0.8)}px system-ui, sans-serif`;
        ctx.fillText(count >= 10000 ? `${Math.round(count / 1000)}k` : String(count), pt.x, pt.y + 1);
        this.drawn.push({ x: pt.x, y: pt.y, r: cr, clusterId: props.cluster_id, lat, lon });
        continue;
      }
      const o = this.store.get(props.id);
      if (!o) continue;
      if (ring) {
        anyEscalated = true;
        this.drawRing(ctx, pt.x, pt.y, r, ring, pulse, level);
      }
      this.drawPoint(ctx, o, pt.x, pt.y, r);
      this.drawn.push({ x: pt.x, y: pt.y, r, id: o.id, lat, lon });
    }
    this.pulsing = anyEscalated;
    // The pulse animates at ~15 fps: enough for the eye, a fraction of the drawing cost.
    if (this.pulsing && !this.pulseTimer) {
      this.pulseTimer = setTimeout(() => {
        this.pulseTimer = null;
        this.requestDraw();
      }, 66);
    }
  }

  private drawPoint(ctx: CanvasRenderingContext2D, o: OccurrenceView, x: number, y: number, r: number): void {
    drawShape(ctx, o.priority, x, y, r);
    if (this.opts.highlight === o.id) {
      ctx.beginPath();
      ctx.arc(x, y, r * 1.9, 0, Math.PI * 2);
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
    }
    ctx.fillStyle = PRIORITY_STYLE[o.priority].text;
    ctx.font = `800 ${Math.round(r * 1.15)}px system-ui, sans-serif`;
    ctx.fillText(categoryGlyph(o.category), x, y + 1);
  }

  private drawRing(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, color: string, pulse: number, level: EscalationLevel): void {
    ctx.beginPath();
    ctx.arc(x, y, r * (1.5 + pulse * 0.9), 0, Math.PI * 2);
    ctx.lineWidth = level === 'L1' ? 3 : 5;
    ctx.strokeStyle = color;
    ctx.globalAlpha = 1 - pulse * 0.6;
    ctx.stroke();
    ctx.globalAlpha = 1;
    // The level as text beside the marker (the colour is not the only signal).
    ctx.font = `800 ${Math.round(r * 0.95)}px system-ui, sans-serif`;
    ctx.fillStyle = color;
    ctx.fillText(level, x + r * 2.3, y - r * 1.4);
  }

  private onClick(e: L.LeafletMouseEvent): void {
    const { x, y } = e.containerPoint;
    const hit = [...this.drawn].reverse().find((d) => (d.x - x) ** 2 + (d.y - y) ** 2 <= (d.r + 4) ** 2);
    if (!hit) return;
    if (hit.id) this.opts.onSelect?.(hit.id);
    else if (hit.clusterId !== undefined && this._map) {
      this._map.setView([hit.lat, hit.lon], Math.min(this.index.getClusterExpansionZoom(hit.clusterId), 18));
    }
  }
}
