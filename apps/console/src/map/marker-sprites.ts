import type { EscalationLevel, Priority } from '@cgi/shared';
import { ESCALATION_COLOR, PRIORITY_STYLE, drawShape } from './marker-style';

const MAX_SPRITES = 2000;
const SPRITE_BUDGET = 60;
/** …and at most this many milliseconds of sprite making per paint (a software canvas makes them slowly). */
const SPRITE_MS = 3;

/**
 * Markers pre-rendered once on small offscreen canvases and stamped with drawImage: a frame costs
 * a few hundred bitmap copies instead of a few hundred anti-aliased paths and text runs (text
 * shaping was most of the rasterisation time at 4K). Sprites are drawn at the canvas' pixel ratio.
 */
type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
type Sprite = ImageBitmap | HTMLCanvasElement;

/** A sprite to make: its key, its half size in CSS pixels and how it is drawn around (0, 0). */
export interface SpriteJob {
  key: string;
  half: number;
  paint: (c: Ctx2D) => void;
}

/** The escalation levels drawn (L0 has no ring nor label). */
const ESCALATED: EscalationLevel[] = ['L1', 'L2', 'L3'];
const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4'];

export class SpriteCache {
  private readonly sprites = new Map<string, Sprite>();

  constructor(private readonly ratio: number) {}

  get size(): number {
    return this.sprites.size;
  }

  /** Stamps the sprite `key` (drawn by `paint` around (0, 0) within ±half CSS pixels) centred at (x, y). */
  stamp(ctx: CanvasRenderingContext2D, key: string, half: number, x: number, y: number, paint: (c: Ctx2D) => void): void {
    this.put(ctx, this.sprites.get(key) ?? this.make({ key, half, paint }), x, y);
  }

  /** Stamps the sprite `key`, made by `job()` the first time only (no job built for a sprite made already). */
  private stampKey(ctx: CanvasRenderingContext2D, key: string, job: () => SpriteJob, x: number, y: number): void {
    this.put(ctx, this.sprites.get(key) ?? this.make(job()), x, y);
  }

  private put(ctx: CanvasRenderingContext2D, sprite: Sprite | null | undefined, x: number, y: number): void {
    if (!sprite) return;
    const w = sprite.width / this.ratio;
    const h = sprite.height / this.ratio;
    ctx.drawImage(sprite, Math.round((x - w / 2) * this.ratio) / this.ratio, Math.round((y - h / 2) * this.ratio) / this.ratio, w, h);
  }

  private make(job: SpriteJob): Sprite | null {
    const sprite = this.render(Math.ceil(job.half * 2 * this.ratio), job.paint);
    if (!sprite) return null;
    // Cluster counts make many keys: forget the oldest beyond a bound.
    if (this.sprites.size >= MAX_SPRITES) {
      const oldest = this.sprites.keys().next().value as string;
      const gone = this.sprites.get(oldest);
      if (gone && 'close' in gone) gone.close();
      this.sprites.delete(oldest);
    }
    this.sprites.set(job.key, sprite);
    return sprite;
  }

  /**
   * Makes these sprites ahead of time, in slices of at most SPRITE_MS while the main thread is idle
   * (requestIdleCallback), so the first screen after a snapshot stamps them instead of making them
   * (and the canvas code is warm by then). Sprites made meanwhile by a paint are skipped.
   */
  prepare(jobs: SpriteJob[]): void {
    for (const j of jobs) if (!this.sprites.has(j.key)) this.queue.push(j);
    this.scheduleIdle();
  }

  /** Sprites still waiting to be made ahead of time (tests). */
  get pending(): number {
    return this.queue.length;
  }

  /** Stops the ahead-of-time work (the cache is replaced: a new pixel ratio, the layer removed). */
  dispose(): void {
    this.queue = [];
    if (this.idle !== null) cancelIdle(this.idle);
    this.idle = null;
  }

  private queue: SpriteJob[] = [];
  private idle: IdleHandle | null = null;

  private scheduleIdle(): void {
    if (this.idle !== null || this.queue.length === 0) return;
    this.idle = onIdle((remaining) => {
      this.idle = null;
      const until = now() + Math.min(SPRITE_MS, remaining);
      // At least one per slice: an idle callback that ran on its timeout has no time left.
      do {
        const job = this.queue.shift();
        if (job && !this.sprites.has(job.key) && !this.make(job)) {
          // No canvas here (a test's DOM): nothing to prepare.
          this.queue = [];
        }
      } while (this.queue.length > 0 && now() < until);
      this.scheduleIdle();
    });
  }

  /** An ImageBitmap where OffscreenCanvas exists (drawImage then copies pixels without snapshotting a canvas), a canvas otherwise. */
  private render(px: number, paint: (c: Ctx2D) => void): Sprite | null {
    const prepare = (c: Ctx2D): void => {
      c.setTransform(this.ratio, 0, 0, this.ratio, px / 2, px / 2);
      c.textAlign = 'center';
      c.textBaseline = 'middle';
      paint(c);
    };
    if (typeof OffscreenCanvas === 'function') {
      const off = new OffscreenCanvas(px, px);
      const c = off.getContext('2d');
      if (!c) return null;
      prepare(c);
      return off.transferToImageBitmap();
    }
    const canvas = document.createElement('canvas');
    canvas.width = px;
    canvas.height = px;
    const c = canvas.getContext('2d');
    if (!c) return null;
    prepare(c);
    return canvas;
  }

  marker(ctx: CanvasRenderingContext2D, priority: Priority, glyph: string, x: number, y: number, r: number): void {
    this.stampKey(ctx, markerKey(priority, glyph, r), () => markerJob(priority, glyph, r), x, y);
  }

  /**
   * A cluster: one sprite per priority, size and count. A first screen shows a few hundred counts
   * never seen before: only SPRITE_BUDGET new ones are rendered per paint (the others are a disc
   * sprite plus fillText this time), so the first render is not held up by sprite making.
   */
  cluster(ctx: CanvasRenderingContext2D, priority: Priority, label: string, x: number, y: number, cr: number, r: number): void {
    const line = clusterLine(r);
    const key = `c|${priority}|${label}|${cr}|${r}`;
    if (this.sprites.has(key) || this.mayMake()) {
      this.stamp(ctx, key, cr + line, x, y, (c) => {
        clusterDisc(c, priority, cr, line);
        c.fillStyle = '#ffffff';
        c.font = clusterFont(cr);
        c.fillText(label, 0, 1);
      });
      return;
    }
    this.stampKey(ctx, clusterDiscKey(priority, cr, r), () => clusterDiscJob(priority, cr, r), x, y);
    ctx.fillStyle = '#ffffff';
    ctx.font = clusterFont(cr);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(label, x, y + 1);
  }

  /** Called before each paint: how many new cluster sprites it may make. */
  beginPaint(): void {
    this.budget = SPRITE_BUDGET;
    this.until = now() + SPRITE_MS;
  }

  /** True while this paint may still make a new (optional) sprite: within its count and time budgets. */
  mayMake(): boolean {
    return this.budget-- > 0 && now() < this.until;
  }

  /** True when the sprite `key` is made already. */
  has(key: string): boolean {
    return this.sprites.has(key);
  }

  private budget = SPRITE_BUDGET;
  private until = Number.POSITIVE_INFINITY;

  /** The escalation level written beside the marker (the colour is not the only signal). */
  levelLabel(ctx: CanvasRenderingContext2D, level: EscalationLevel, x: number, y: number, r: number): void {
    if (ESCALATION_COLOR[level]) this.stampKey(ctx, levelLabelKey(level, r), () => levelLabelJob(level, r), x, y);
  }

  ring(ctx: CanvasRenderingContext2D, level: EscalationLevel, x: number, y: number, radius: number): void {
    if (ESCALATION_COLOR[level]) this.stampKey(ctx, ringKey(level, radius), () => ringJob(level, radius), x, y);
  }
}

/** A cluster's radius for its count, the marker radius being r (a few sizes: the log saturates from ~200). */
export function clusterRadius(r: number, count: number): number {
  return Math.round(r * (1.2 + Math.min(1.6, Math.log10(count + 1) * 0.7)));
}

/** A ring's radius around a marker or cluster of radius r. */
export function ringRadius(r: number): number {
  return Math.round(r * 1.8);
}

/**
 * The fixed set of sprites the occurrence layer draws with marker radius r: every priority × category
 * glyph, the level labels, a cluster's disc and its rings at every cluster size (only cluster counts
 * are not in it: they are made as they appear, within the paint's budget).
 */
export function occurrenceSpriteJobs(r: number, glyphs: string[]): SpriteJob[] {
  const radii = new Set<number>();
  for (let count = 2; count <= 1000; count++) radii.add(clusterRadius(r, count));
  const jobs: SpriteJob[] = [];
  for (const p of PRIORITIES) for (const g of glyphs) jobs.push(markerJob(p, g, r));
  for (const l of ESCALATED) jobs.push(levelLabelJob(l, r), ringJob(l, ringRadius(r)));
  for (const cr of radii) {
    for (const p of PRIORITIES) jobs.push(clusterDiscJob(p, cr, r));
    for (const l of ESCALATED) jobs.push(ringJob(l, ringRadius(cr)));
  }
  return jobs;
}

const markerKey = (priority: Priority, glyph: string, r: number): string => `m|${priority}|${glyph}|${r}`;
const clusterDiscKey = (priority: Priority, cr: number, r: number): string => `cd|${priority}|${cr}|${r}`;
const levelLabelKey = (level: EscalationLevel, r: number): string => `l|${level}|${Math.round(r * 0.95)}`;
const ringKey = (level: EscalationLevel, radius: number): string => `r|${level}|${radius}`;

function markerJob(priority: Priority, glyph: string, r: number): SpriteJob {
  return {
    key: markerKey(priority, glyph, r),
    half: r * 1.3 + 2,
    paint: (c) => {
      drawShape(c, priority, 0, 0, r);
      c.fillStyle = PRIORITY_STYLE[priority].text;
      c.font = `800 ${Math.round(r * 1.15)}px system-ui, sans-serif`;
      c.fillText(glyph, 0, 1);
    },
  };
}

const clusterLine = (r: number): number => Math.max(3, r / 3);
const clusterFont = (cr: number): string => `700 ${Math.round(cr * 0.8)}px system-ui, sans-serif`;

function clusterDisc(c: Ctx2D, priority: Priority, cr: number, line: number): void {
  c.beginPath();
  c.arc(0, 0, cr, 0, Math.PI * 2);
  c.fillStyle = 'rgba(16,24,36,0.9)';
  c.fill();
  c.lineWidth = line;
  c.strokeStyle = PRIORITY_STYLE[priority].color;
  c.stroke();
}

function clusterDiscJob(priority: Priority, cr: number, r: number): SpriteJob {
  const line = clusterLine(r);
  return { key: clusterDiscKey(priority, cr, r), half: cr + line, paint: (c) => clusterDisc(c, priority, cr, line) };
}

function levelLabelJob(level: EscalationLevel, r: number): SpriteJob {
  const color = ESCALATION_COLOR[level] ?? '#ffffff';
  const font = Math.round(r * 0.95);
  return {
    key: levelLabelKey(level, r),
    half: font * 1.2,
    paint: (c) => {
      c.font = `800 ${font}px system-ui, sans-serif`;
      c.lineWidth = Math.max(2, font / 5);
      c.strokeStyle = 'rgba(0,0,0,0.8)';
      c.strokeText(level, 0, 1);
      c.fillStyle = color;
      c.fillText(level, 0, 1);
    },
  };
}

function ringJob(level: EscalationLevel, radius: number): SpriteJob {
  const color = ESCALATION_COLOR[level] ?? '#ffffff';
  const width = level === 'L1' ? 3 : 5;
  return {
    key: ringKey(level, radius),
    half: radius + width,
    paint: (c) => {
      c.beginPath();
      c.arc(0, 0, radius, 0, Math.PI * 2);
      c.lineWidth = width;
      c.strokeStyle = color;
      c.stroke();
    },
  };
}

type IdleHandle = number | ReturnType<typeof setTimeout>;

/** requestIdleCallback where it exists (the callback told the time left), a timer otherwise. */
function onIdle(fn: (remainingMs: number) => void): IdleHandle {
  if (typeof requestIdleCallback === 'function') return requestIdleCallback((d) => fn(d.timeRemaining()), { timeout: 1000 });
  return setTimeout(() => fn(SPRITE_MS), 16);
}

function cancelIdle(h: IdleHandle): void {
  if (typeof cancelIdleCallback === 'function' && typeof h === 'number') cancelIdleCallback(h);
  else clearTimeout(h);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
