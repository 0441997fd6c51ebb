import L from 'leaflet';
import { SpriteCache } from './marker-sprites';

/** Canvas pixel budget (a 4K screen at ratio 1): beyond it the ratio drops instead of the frame rate. */
export const MAX_CANVAS_PIXELS = 3840 * 2160;

/** The pixel ratio a full-map canvas of this size is drawn at: the screen's, up to 2, within the budget. */
export function canvasRatio(size: L.Point): number {
  return Math.min(2, window.devicePixelRatio || 1, Math.sqrt(MAX_CANVAS_PIXELS / Math.max(1, size.x * size.y)));
}

/**
 * A map layer drawn on one canvas over the map (the units, the assets): redrawn on the next frame
 * when the map moves, hidden during a zoom animation, redrawn at most every `refreshMs` when its
 * source changes; sprites at the canvas' pixel ratio, the cache replaced (and `onNewRatio` called to
 * prepare its fixed sprites) when the ratio changes.
 */
export abstract class CanvasLayer extends L.Layer {
  protected canvas!: HTMLCanvasElement;
  protected sprites = new SpriteCache(1);
  protected ratio = 0;
  private frame: number | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private lastRefresh = 0;
  private hidden = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly canvasClass: string,
    private readonly refreshMs: number,
    private readonly source: { subscribe: (fn: () => void) => () => void },
  ) {
    super();
  }

  /** Draws what is on screen now (the canvas is shown and sized by `fitCanvas`). */
  protected abstract draw(map: L.Map): void;

  /** The sprite cache is new (a new pixel ratio): queue the fixed sprites. */
  protected abstract onNewRatio(): void;

  /** The source changed: a redraw, at most every `refreshMs`. */
  protected onSourceChange(): void {
    if (this.refreshTimer) return;
    const since = Date.now() - this.lastRefresh;
    if (since >= this.refreshMs) this.requestDraw();
    else
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = null;
        this.requestDraw();
      }, this.refreshMs - since);
  }

  override onAdd(map: L.Map): this {
    this.canvas = L.DomUtil.create('canvas', this.canvasClass) as HTMLCanvasElement;
    this.canvas.setAttribute('aria-hidden', 'true');
    map.getContainer().appendChild(this.canvas);
    map.on('move zoomend viewreset resize', this.requestDraw, this);
    map.on('zoomstart', this.hide, this);
    map.on('zoomend', this.show, this);
    this.unsubscribe = this.source.subscribe(() => this.onSourceChange());
    this.requestDraw();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('move zoomend viewreset resize', this.requestDraw, this);
    map.off('zoomstart', this.hide, this);
    map.off('zoomend', this.show, this);
    this.unsubscribe?.();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.sprites.dispose();
    this.canvas.remove();
    return this;
  }

  protected requestDraw = (): void => {
    if (this.frame !== null || !this._map) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      const map = this._map;
      if (!map || this.hidden) return;
      this.lastRefresh = Date.now();
      this.draw(map);
    });
  };

  /** Sizes the canvas to the map at its pixel ratio; true when the ratio or the size changed (everything is to be repainted). */
  protected fitCanvas(size: L.Point): boolean {
    const ratio = canvasRatio(size);
    let resized = false;
    if (ratio !== this.ratio) {
      this.ratio = ratio;
      this.sprites.dispose();
      this.sprites = new SpriteCache(ratio);
      this.onNewRatio();
      resized = true;
    }
    const w = Math.round(size.x * ratio);
    const h = Math.round(size.y * ratio);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.canvas.style.width = `${size.x}px`;
      this.canvas.style.height = `${size.y}px`;
      resized = true;
    }
    return resized;
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
}
