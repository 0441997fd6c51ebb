/**
 * The console's stores: listeners told at most once per animation frame however many changes arrive,
 * with a revision React reads through useSyncExternalStore.
 */
export class FrameNotified {
  private readonly listeners = new Set<() => void>();
  private scheduled = false;
  private revision = 0;

  constructor(private readonly schedule: (fn: () => void) => void = nextFrame) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getRevision = (): number => this.revision;

  /** Something changed: a new revision, listeners told on the next frame. */
  protected changed(): void {
    this.revision++;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.listeners.forEach((fn) => fn());
    });
  }
}

/** A store of items by id (units, assets). */
export class KeyedStore<T extends { id: string }> extends FrameNotified {
  protected readonly items = new Map<string, T>();

  get size(): number {
    return this.items.size;
  }

  get(id: string): T | undefined {
    return this.items.get(id);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  forEach(fn: (item: T) => void): void {
    this.items.forEach(fn);
  }
}

/** The next animation frame, or a timer when the page is hidden (frames stop there). */
export function nextFrame(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) requestAnimationFrame(fn);
  else setTimeout(fn, 16);
}
