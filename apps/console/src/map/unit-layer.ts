import L from 'leaflet';
import type { UnitStatus, UnitView } from '@cgi/shared';
import type { UnitStore } from '../units/unit-store';
import { CanvasLayer } from './canvas-layer';
import type { SpriteJob } from './marker-sprites';
import { drawPlate, plateSize, UNIT_STALE_STYLE, UNIT_STATUS_STYLE, type PlateLook } from './unit-style';

/**
 * Redraws caused by live positions at most this often (the server sends at most one fix per unit per second, an
 * AVL box one every few seconds): with 1,000 units moving every redraw repaints the full-screen canvas.
 */
const REFRESH_MS = 250;
/** Plates in one column at most (the last place says "+N" when there are more). */
const MAX_STACK = 6;
/** Busy units lowest in a column (nearest the place). */
const STACK_RANK: Record<UnitStatus, number> = { ON_SCENE: 0, DISPATCHED: 1, AVAILABLE: 2, UNAVAILABLE: 3 };
/**
 * Callsigns in a column, in Portuguese order with numbers compared as numbers. One collator for all:
 * `localeCompare('pt', options)` builds an ICU collator at every call (most of a repaint's time with 1,000 units).
 */
const CALLSIGN_ORDER = new Intl.Collator('pt', { numeric: true });
const STATUSES = Object.keys(STACK_RANK) as UnitStatus[];
/** Headings are drawn to the nearest 10°. */
const HEADINGS = Array.from({ length: 36 }, (_, i) => i * 10);

interface Item {
  d: DrawnUnit;
  look: PlateLook;
  heading: number | null;
  label: string | null;
  /** Only the lowest plate of a column has the stem down to the place. */
  stem: boolean;
  rank: number;
  callsign: string;
}

export interface UnitLayerOptions {
  /** Plate height in CSS pixels (the videowall draws larger). */
  height: number;
  /** The department letter and kind abbreviation for a unit (language-dependent). */
  look: (u: UnitView) => { letter: string; letterColor: string; abbr: string };
  onSelect?: (id: string) => void;
  highlight?: string | null;
  /** Units of this occurrence are labelled with their callsign (the occurrence open in the detail). */
  occurrence?: string | null;
  /** From this zoom on every unit is labelled (undefined: only the highlighted ones). */
  labelFromZoom?: number;
  /** How far above its position the plate floats (clear of an occurrence's marker there). */
  lift: number;
}

export interface DrawnUnit {
  id: string;
  /** The position (container pixels). */
  x: number;
  y: number;
  /** The plate's centre, above the position. */
  px: number;
  py: number;
  w: number;
  h: number;
  lat: number;
  lon: number;
}

/**
 * The fleet on its own canvas above the occurrences: one plate per unit with a position (department
 * letter on a dark tab, the kind's abbreviation on its status colour, greyed and dashed when stale), a
 * heading arrow when the unit reports one. Plates are sprites (SpriteCache); the canvas is repainted at
 * most every REFRESH_MS and only when what it shows changed.
 */
export class UnitLayer extends CanvasLayer {
  private drawn: DrawnUnit[] = [];
  private folded = 0;
  private labelled = new Set<string>();
  /** Plate looks (department letter, kind) whose sprites in every status are made or queued. */
  private prepared = new Set<string>();
  private key = '';
  /** Repaints (tests, benchmark). */
  paints = 0;

  constructor(
    private readonly store: UnitStore,
    private readonly opts: UnitLayerOptions,
  ) {
    super('unit-canvas', REFRESH_MS, store);
  }

  /** Plates drawn and units folded into "+N" (tests, benchmark). */
  drawnCount(): { plates: number; more: number } {
    return { plates: this.drawn.length, more: this.folded };
  }

  /** Where the unit is drawn now (container pixels and the position drawn), null when not on screen. */
  drawnAt(id: string): DrawnUnit | null {
    return this.drawn.find((d) => d.id === id) ?? null;
  }

  setHighlight(id: string | null): void {
    this.opts.highlight = id;
    this.requestDraw();
  }

  /** Labels these units too (the proposals of the open occurrence). */
  setLabelled(ids: string[]): void {
    this.labelled = new Set(ids);
    this.requestDraw();
  }

  /** Labels the units of this occurrence. */
  setOccurrence(id: string | null): void {
    this.opts.occurrence = id;
    this.requestDraw();
  }

  /** The look changed (the language): plates are drawn again. */
  relook(look: UnitLayerOptions['look']): void {
    this.opts.look = look;
    this.key = '';
    this.requestDraw();
  }

  /** The unit under a container point, if any (the map's click goes to a unit before an occurrence). */
  hit(x: number, y: number): string | null {
    for (let i = this.drawn.length - 1; i >= 0; i--) {
      const d = this.drawn[i];
      if ((Math.abs(d.px - x) <= d.w / 2 + 3 && Math.abs(d.py - y) <= d.h / 2 + 3) || (d.x - x) ** 2 + (d.y - y) ** 2 <= (d.h * 0.45) ** 2) return d.id;
    }
    return null;
  }

  /** The position pins (status × heading, stale) made while the page is idle. */
  protected onNewRatio(): void {
    this.prepared.clear();
    const h = this.opts.height;
    const pins: SpriteJob[] = [pinJob(true, null, h)];
    for (const status of STATUSES) for (const heading of [null, ...HEADINGS]) pins.push(pinJob(false, heading, h, status));
    this.sprites.prepare(pins);
  }

  protected draw(map: L.Map): void {
    const size = map.getSize();
    const resized = this.fitCanvas(size);
    const ratio = this.ratio;
    const bounds = map.getBounds().pad(0.1);
    const items: Item[] = [];
    const highlight = this.opts.highlight ?? '';
    const occurrence = this.opts.occurrence ?? '';
    const labelAll = this.opts.labelFromZoom !== undefined && map.getZoom() >= this.opts.labelFromZoom;
    let key = `${size.x}x${size.y}|${highlight}|${occurrence}|${labelAll}`;
    this.store.forEach((u) => {
      // A unit that never reported is shown at its base, greyed (stale).
      const at = u.position ?? u.homeBase;
      if (!bounds.contains([at.lat, at.lon])) return;
      const pt = map.latLngToContainerPoint([at.lat, at.lon]);
      const l = this.opts.look(u);
      const stale = u.stale || !u.position;
      const look: PlateLook = { ...l, status: u.status, stale, h: this.opts.height };
      const s = plateSize(look);
      const x = Math.round(pt.x);
      const y = Math.round(pt.y);
      const heading = !u.position || u.position.headingDeg === null || stale ? null : Math.round(u.position.headingDeg / 10) * 10;
      const label = labelAll || u.id === highlight || this.labelled.has(u.id) || (occurrence !== '' && u.occurrence?.id === occurrence) ? u.callsign : null;
      const py = y - this.opts.lift - s.h / 2;
      items.push({ d: { id: u.id, x, y, px: x, py, w: s.w, h: s.h, lat: at.lat, lon: at.lon }, look, heading, label, stem: true, rank: STACK_RANK[u.status], callsign: u.callsign });
      key += `|${u.id},${x},${y},${u.status},${stale ? 1 : 0},${heading ?? '-'},${l.letter}${l.abbr},${label ?? ''}`;
    });
    // Nothing moved, nothing changed: the columns and the canvas stay as they are.
    if (!resized && key === this.key) return;
    this.key = key;
    const { shown, overflow } = this.stack(items, highlight);
    this.drawn = shown.map((i) => i.d);
    this.folded = overflow.reduce((n, o) => n + o.count, 0);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    this.paints++;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    this.sprites.beginPaint();
    this.stems(ctx, shown);
    for (const { d, look, heading } of shown) this.pin(ctx, d, look, heading);
    for (const o of overflow) this.more(ctx, o.x, o.y, o.count);
    for (const { d, look, label } of shown) {
      const half = Math.max(d.w, d.h) / 2 + 2;
      this.sprites.stamp(ctx, plateKey(look), half, d.px, d.py, (c) => drawPlate(c, look));
      this.preparePlates(look, half);
      if (d.id === highlight) {
        ctx.beginPath();
        ctx.roundRect(d.px - d.w / 2 - 4, d.py - d.h / 2 - 4, d.w + 8, d.h + 8, 5);
        ctx.lineWidth = 3;
        ctx.strokeStyle = '#ffffff';
        ctx.stroke();
      }
      if (label) this.label(ctx, d, label);
    }
  }

  /**
   * Units at (about) the same place — a base, a scene — stack their plates in one column over the place,
   * the selected and busy ones lowest; beyond MAX_STACK the column ends with "+N".
   */
  private stack(items: Item[], highlight: string): { shown: Item[]; overflow: Array<{ x: number; y: number; count: number }> } {
    // A unit joins the column of one anchored less than a plate's width across and a plate's height up or down from it
    // (a grid of such cells and their neighbours: linear in the number of units).
    const cw = this.opts.height * 2.4;
    const ch = this.opts.height * 1.2;
    const cells = new Map<string, Item[][]>();
    const groups: Item[][] = [];
    for (const it of items) {
      const cx = Math.floor(it.d.x / cw);
      const cy = Math.floor(it.d.y / ch);
      let joined: Item[] | undefined;
      for (let i = -1; i <= 1 && !joined; i++) {
        for (let j = -1; j <= 1 && !joined; j++) {
          joined = cells.get(`${cx + i}:${cy + j}`)?.find((g) => Math.abs(g[0].d.x - it.d.x) < cw && Math.abs(g[0].d.y - it.d.y) < ch);
        }
      }
      if (joined) {
        joined.push(it);
        continue;
      }
      const g = [it];
      groups.push(g);
      const k = `${cx}:${cy}`;
      const cell = cells.get(k);
      if (cell) cell.push(g);
      else cells.set(k, [g]);
    }
    const shown: Item[] = [];
    const overflow: Array<{ x: number; y: number; count: number }> = [];
    const step = this.opts.height + 3;
    for (const g of groups) {
      const anchor = g[0].d;
      g.sort(
        (a, b) =>
          Number(b.d.id === highlight) - Number(a.d.id === highlight) ||
          Number(a.look.stale) - Number(b.look.stale) ||
          a.rank - b.rank ||
          CALLSIGN_ORDER.compare(a.callsign, b.callsign),
      );
      const base = anchor;
      const keep = g.length > MAX_STACK ? MAX_STACK - 1 : g.length;
      g.slice(0, keep).forEach((it, i) => {
        it.d.px = base.x;
        it.d.py = base.py - i * step;
        it.stem = i === 0;
        shown.push(it);
      });
      if (g.length > keep) overflow.push({ x: base.x, y: base.py - keep * step, count: g.length - keep });
    }
    // Stale under the rest, the selected one on top.
    shown.sort((a, b) => Number(b.look.stale) - Number(a.look.stale) || Number(a.d.id === highlight) - Number(b.d.id === highlight));
    return { shown, overflow };
  }

  /** "+N" at the top of a full column. */
  private more(ctx: CanvasRenderingContext2D, x: number, y: number, count: number): void {
    const h = this.opts.height;
    const text = `+${count}`;
    const w = Math.round(h * 0.5 + text.length * h * 0.55);
    ctx.beginPath();
    ctx.roundRect(x - w / 2, y - h / 2, w, h, Math.max(2, h / 5));
    ctx.fillStyle = '#0b1118';
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#c9d1d9';
    ctx.stroke();
    ctx.font = `800 ${Math.round(h * 0.66)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#ffffff';
    ctx.fillText(text, x, y + 1);
  }

  /**
   * The stems from the lowest plate of each column down to its place: one path per colour (a dark
   * casing, then the status colour), not two strokes per unit.
   */
  private stems(ctx: CanvasRenderingContext2D, shown: Item[]): void {
    const byFill = new Map<string, Item[]>();
    for (const it of shown) {
      if (!it.stem) continue;
      const fill = `${it.look.stale ? UNIT_STALE_STYLE.fill : UNIT_STATUS_STYLE[it.look.status].fill}|${it.look.stale ? 1 : 0}`;
      const list = byFill.get(fill);
      if (list) list.push(it);
      else byFill.set(fill, [it]);
    }
    for (const [key, items] of byFill) {
      const [fill, stale] = key.split('|');
      ctx.globalAlpha = stale === '1' ? 0.7 : 1;
      ctx.beginPath();
      for (const { d } of items) {
        const r = Math.max(3, d.h * 0.24);
        ctx.moveTo(d.px, d.py + d.h / 2);
        ctx.lineTo(d.x, d.y - r);
      }
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#0b1118';
      ctx.stroke();
      ctx.lineWidth = 1;
      ctx.strokeStyle = fill;
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /** The exact position: a dot (in the status colour) with the heading arrow on it, stamped from a sprite. */
  private pin(ctx: CanvasRenderingContext2D, d: DrawnUnit, look: PlateLook, heading: number | null): void {
    const key = pinKey(look.stale, heading, d.h, look.status);
    // New sprites within the paint's budget; the others drawn as paths this time.
    if (this.sprites.has(key) || this.sprites.mayMake()) {
      const job = pinJob(look.stale, heading, d.h, look.status);
      this.sprites.stamp(ctx, key, job.half, d.x, d.y, job.paint);
    } else paintPin(ctx, d.x, d.y, look.stale, heading, d.h, look.status);
  }

  /** The plates of this look in its other statuses (and stale), made while the page is idle: a status change then only stamps. */
  private preparePlates(look: PlateLook, half: number): void {
    const base = `${look.letter}|${look.letterColor}|${look.abbr}|${look.h}`;
    if (this.prepared.has(base)) return;
    this.prepared.add(base);
    const looks: PlateLook[] = [...STATUSES.map((status) => ({ ...look, status, stale: false })), { ...look, stale: true }];
    this.sprites.prepare(looks.map((l) => ({ key: plateKey(l), half, paint: (c) => drawPlate(c, l) })));
  }

  /** The callsign beside the plate, on a dark halo. */
  private label(ctx: CanvasRenderingContext2D, d: DrawnUnit, text: string): void {
    const size = Math.round(d.h * 0.72);
    ctx.font = `700 ${size}px system-ui, sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const x = d.px + d.w / 2 + 5;
    ctx.lineWidth = Math.max(3, size / 3);
    ctx.lineJoin = 'round';
    ctx.strokeStyle = 'rgba(11,17,24,0.92)';
    ctx.strokeText(text, x, d.py + 1);
    ctx.fillStyle = '#ffffff';
    ctx.fillText(text, x, d.py + 1);
  }
}

const plateKey = (look: PlateLook): string => `u|${look.letter}|${look.letterColor}|${look.abbr}|${look.status}|${look.stale ? 1 : 0}|${look.h}`;
const pinFill = (stale: boolean, status: UnitStatus): string => (stale ? UNIT_STALE_STYLE.fill : UNIT_STATUS_STYLE[status].fill);
const pinKey = (stale: boolean, heading: number | null, h: number, status: UnitStatus): string => `p|${pinFill(stale, status)}|${stale ? 1 : 0}|${heading ?? '-'}|${h}`;

/** A pin's sprite: `status` does not matter for a stale unit (grey, no heading). */
function pinJob(stale: boolean, heading: number | null, h: number, status: UnitStatus = 'AVAILABLE'): SpriteJob {
  const r = Math.max(3, h * 0.24);
  return { key: pinKey(stale, heading, h, status), half: Math.ceil(r + h * 0.8 + 3), paint: (c) => paintPin(c, 0, 0, stale, heading, h, status) };
}

type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

function paintPin(c: Ctx2D, x: number, y: number, stale: boolean, heading: number | null, h: number, status: UnitStatus): void {
  const r = Math.max(3, h * 0.24);
  c.globalAlpha = stale ? 0.7 : 1;
  if (heading !== null) arrow(c, x, y, r, h, heading);
  c.beginPath();
  c.arc(x, y, r, 0, Math.PI * 2);
  c.fillStyle = pinFill(stale, status);
  c.fill();
  c.lineWidth = 1.5;
  c.strokeStyle = '#0b1118';
  c.stroke();
  c.globalAlpha = 1;
}

/** A white arrowhead from the position's dot, pointing where the unit is heading. */
function arrow(ctx: Ctx2D, x: number, y: number, r: number, h: number, headingDeg: number): void {
  const a = ((headingDeg - 90) * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const tipX = x + cos * (r + h * 0.8);
  const tipY = y + sin * (r + h * 0.8);
  const px = -sin * h * 0.4;
  const py = cos * h * 0.4;
  ctx.beginPath();
  ctx.moveTo(tipX, tipY);
  ctx.lineTo(x + px, y + py);
  ctx.lineTo(x - px, y - py);
  ctx.closePath();
  ctx.fillStyle = '#ffffff';
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = '#0b1118';
  ctx.stroke();
}
