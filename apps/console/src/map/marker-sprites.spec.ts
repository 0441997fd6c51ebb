import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GLYPH_LEGEND } from './marker-style';
import { SpriteCache, clusterRadius, occurrenceSpriteJobs, ringRadius, type SpriteJob } from './marker-sprites';

/** A stand-in for the browser's OffscreenCanvas (jsdom has no canvas): records what was painted on it. */
class FakeOffscreenCanvas {
  static made = 0;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    FakeOffscreenCanvas.made++;
  }
  getContext(): unknown {
    return new Proxy({}, { get: () => () => undefined, set: () => true });
  }
  transferToImageBitmap(): { width: number; height: number; close: () => void } {
    return { width: this.width, height: this.height, close: () => undefined };
  }
}

const ctx = (): CanvasRenderingContext2D & { drawImage: ReturnType<typeof vi.fn> } =>
  ({ drawImage: vi.fn() }) as unknown as CanvasRenderingContext2D & { drawImage: ReturnType<typeof vi.fn> };

describe('SpriteCache', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeOffscreenCanvas.made = 0;
    vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('makes prepared sprites ahead of time, so a paint stamps them without painting one', async () => {
    const cache = new SpriteCache(1);
    const paints: string[] = [];
    const jobs: SpriteJob[] = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, half: 5, paint: () => void paints.push(`k${i}`) }));
    cache.prepare(jobs);
    expect(cache.size).toBe(0);
    await vi.runAllTimersAsync();
    expect(cache.pending).toBe(0);
    expect(cache.size).toBe(40);
    expect(paints).toHaveLength(40);
    const c = ctx();
    cache.stamp(c, 'k7', 5, 10, 10, () => void paints.push('again'));
    expect(paints).toHaveLength(40);
    expect(c.drawImage).toHaveBeenCalledTimes(1);
  });

  it('skips a prepared sprite a paint made first, and makes nothing more once disposed', async () => {
    const cache = new SpriteCache(1);
    let painted = 0;
    const job = (key: string): SpriteJob => ({ key, half: 5, paint: () => void painted++ });
    cache.prepare([job('a'), job('b'), job('c')]);
    cache.stamp(ctx(), 'a', 5, 0, 0, job('a').paint);
    expect(painted).toBe(1);
    await vi.runAllTimersAsync();
    expect(painted).toBe(3);
    cache.prepare([job('d'), job('e')]);
    cache.dispose();
    await vi.runAllTimersAsync();
    expect(cache.pending).toBe(0);
    expect(cache.size).toBe(3);
  });

  it('sizes sprites at the pixel ratio', () => {
    const cache = new SpriteCache(2);
    const c = ctx();
    cache.stamp(c, 'x', 10, 50, 50, () => undefined);
    expect(FakeOffscreenCanvas.made).toBe(1);
    // 40 device pixels, drawn 20 CSS pixels wide centred on (50, 50).
    expect(c.drawImage.mock.calls[0]).toEqual([expect.objectContaining({ width: 40 }), 40, 40, 20, 20]);
  });
});

describe('occurrenceSpriteJobs', () => {
  const glyphs = GLYPH_LEGEND.map((g) => g.glyph);

  it('covers every priority × glyph marker, level label and ring, and a disc and rings at every cluster size', () => {
    const jobs = occurrenceSpriteJobs(11, glyphs);
    const keys = new Set(jobs.map((j) => j.key));
    expect(keys.size).toBe(jobs.length);
    for (const p of ['P1', 'P2', 'P3', 'P4']) for (const g of glyphs) expect(keys.has(`m|${p}|${g}|11`)).toBe(true);
    for (const count of [2, 9, 10, 99, 150, 5000, 10_000]) {
      const cr = clusterRadius(11, count);
      for (const p of ['P1', 'P2', 'P3', 'P4']) expect(keys.has(`cd|${p}|${cr}|11`)).toBe(true);
      for (const l of ['L1', 'L2', 'L3']) expect(keys.has(`r|${l}|${ringRadius(cr)}`)).toBe(true);
    }
    expect(keys.has(`r|L2|${ringRadius(11)}`)).toBe(true);
    expect(jobs.some((j) => j.key.startsWith('r|L0') || j.key.startsWith('l|L0'))).toBe(false);
    // A small fixed set, not one per marker.
    expect(jobs.length).toBeLessThan(300);
  });

  it('cluster sizes grow with the count and stop growing', () => {
    expect(clusterRadius(10, 2)).toBeLessThan(clusterRadius(10, 50));
    expect(clusterRadius(10, 1000)).toBe(clusterRadius(10, 100_000));
  });
});
