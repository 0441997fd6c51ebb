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

export class SpriteCache {
  private readonly sprites = new Map<string, Sprite>();

  constructor(private readonly ratio: number) {}

  get size(): number {
    return this.sprites.size;
  }

  /** Stamps the sprite `key` (drawn by `paint` around (0, 0) within ±half CSS pixels) centred at (x, y). */
  stamp(ctx: CanvasRenderingContext2D, key: string, half: number, x: number, y: number, paint: (c: Ctx2D) => void): void {
    let sprite = this.sprites.get(key);
    if (!sprite) {
      const created = this.render(Math.ceil(half * 2 * this.ratio), paint);
      if (!created) return;
      sprite = created;
      // Cluster counts make many keys: forget the oldest beyond a bound.
      if (this.sprites.size >= MAX_SPRITES) {
        const oldest = this.sprites.keys().next().value as string;
        const gone = this.sprites.get(oldest);
        if (gone && 'close' in gone) gone.close();
        this.sprites.delete(oldest);
      }
      this.sprites.set(key, sprite);
    }
    const w = sprite.width / this.ratio;
    const h = sprite.height / this.ratio;
    ctx.drawImage(sprite, Math.round((x - w / 2) * this.ratio) / this.ratio, Math.round((y - h / 2) * this.ratio) / this.ratio, w, h);
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
    this.stamp(ctx, `m|${priority}|${glyph}|${r}`, r * 1.3 + 2, x, y, (c) => {
      drawShape(c, priority, 0, 0, r);
      c.fillStyle = PRIORITY_STYLE[priority].text;
      c.font = `800 ${Math.round(r * 1.15)}px system-ui, sans-serif`;
      c.fillText(glyph, 0, 1);
    });
  }

  /**
   * A cluster: one sprite per priority, size and count. A first screen shows a few hundred counts
   * never seen before: only SPRITE_BUDGET new ones are rendered per paint (the others are a disc
   * sprite plus fillText this time), so the first render is not held up by sprite making.
   */
  cluster(ctx: CanvasRenderingContext2D, priority: Priority, label: string, x: number, y: number, cr: number, r: number): void {
    const line = Math.max(3, r / 3);
    const font = `700 ${Math.round(cr * 0.8)}px system-ui, sans-serif`;
    const disc = (c: Ctx2D): void => {
      c.beginPath();
      c.arc(0, 0, cr, 0, Math.PI * 2);
      c.fillStyle = 'rgba(16,24,36,0.9)';
      c.fill();
      c.lineWidth = line;
      c.strokeStyle = PRIORITY_STYLE[priority].color;
      c.stroke();
    };
    const key = `c|${priority}|${label}|${cr}|${r}`;
    if (this.sprites.has(key) || this.mayMake()) {
      this.stamp(ctx, key, cr + line, x, y, (c) => {
        disc(c);
        c.fillStyle = '#ffffff';
        c.font = font;
        c.fillText(label, 0, 1);
      });
      return;
    }
    this.stamp(ctx, `cd|${priority}|${cr}|${r}`, cr + line, x, y, disc);
    ctx.fillStyle = '#ffffff';
    ctx.font = font;
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
    const color = ESCALATION_COLOR[level];
    if (!color) return;
    const font = Math.round(r * 0.95);
    this.stamp(ctx, `l|${level}|${font}`, font * 1.2, x, y, (c) => {
      c.font = `800 ${font}px system-ui, sans-serif`;
      c.lineWidth = Math.max(2, font / 5);
      c.strokeStyle = 'rgba(0,0,0,0.8)';
      c.strokeText(level, 0, 1);
      c.fillStyle = color;
      c.fillText(level, 0, 1);
    });
  }

  ring(ctx: CanvasRenderingContext2D, level: EscalationLevel, x: number, y: number, radius: number): void {
    const color = ESCALATION_COLOR[level];
    if (!color) return;
    const width = level === 'L1' ? 3 : 5;
    this.stamp(ctx, `r|${level}|${radius}`, radius + width, x, y, (c) => {
      c.beginPath();
      c.arc(0, 0, radius, 0, Math.PI * 2);
      c.lineWidth = width;
      c.strokeStyle = color;
      c.stroke();
    });
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
