import { createContext, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { OPEN_STATUSES, type LiveOccurrenceEvent, type OccurrenceView } from '@cgi/shared';
import { fetchAllPages, type ApiClient } from '../api/api-client';
import { LiveFeed, type FeedStatus, type LiveFeedOptions } from './live-feed';
import { OccurrenceStore } from './occurrence-store';

interface LiveContextValue {
  store: OccurrenceStore;
  status: FeedStatus;
  /** Listeners told of every live event (e.g. operational level changes). */
  onEvent: (fn: (e: LiveOccurrenceEvent) => void) => () => void;
  reload: () => Promise<void>;
}

const FALLBACK_SNAPSHOT_MS = 3000;
const LiveContext = createContext<LiveContextValue | null>(null);

export interface LiveProviderProps {
  api: ApiClient;
  token: () => string | null;
  children: ReactNode;
  /** Today's resolved/closed ones are loaded too (the videowall's median time to acknowledge). */
  withDeparted?: boolean;
  /** For tests and the benchmark. */
  store?: OccurrenceStore;
  connect?: LiveFeedOptions['connect'];
  sinceMs?: number;
}

export function LiveProvider({ api, token, children, withDeparted = false, store: given, connect, sinceMs }: LiveProviderProps): ReactNode {
  const store = useMemo(() => given ?? new OccurrenceStore(), [given]);
  const [status, setStatus] = useState<FeedStatus>('connecting');
  const eventListeners = useRef(new Set<(e: LiveOccurrenceEvent) => void>());
  const tokenRef = useRef(token);
  tokenRef.current = token;

  const loadSnapshot = useMemo(
    () => async (): Promise<void> => {
      store.beginSnapshot();
      const [open, departed] = await Promise.all([
        fetchAllPages<OccurrenceView>(api, '/occurrences', { status: [...OPEN_STATUSES], limit: 500 }),
        withDeparted && sinceMs !== undefined
          ? fetchAllPages<OccurrenceView>(api, '/occurrences', { status: ['RESOLVED', 'CLOSED'], from: new Date(sinceMs).toISOString(), limit: 500 }, 2000)
          : Promise.resolve([]),
      ]);
      store.finishSnapshot(open, departed);
    },
    [api, store, withDeparted, sinceMs],
  );

  useEffect(() => {
    // For the end-to-end tests and the benchmark (bench/console-render.ts).
    (window as unknown as { __cgiLive?: { store: OccurrenceStore } }).__cgiLive = { store };
    const feed = new LiveFeed(store, {
      token: () => tokenRef.current(),
      loadSnapshot,
      onStatus: setStatus,
      onEvent: (e) => eventListeners.current.forEach((fn) => fn(e)),
      connect,
    });
    feed.start();
    // Without a feed, still show the occurrences (under the "feed down" banner).
    const fallback = setTimeout(() => {
      if (!store.loaded) loadSnapshot().catch(() => undefined);
    }, FALLBACK_SNAPSHOT_MS);
    return () => {
      clearTimeout(fallback);
      feed.stop();
    };
  }, [store, loadSnapshot, connect]);

  const value = useMemo<LiveContextValue>(
    () => ({
      store,
      status,
      reload: loadSnapshot,
      onEvent: (fn) => {
        eventListeners.current.add(fn);
        return () => eventListeners.current.delete(fn);
      },
    }),
    [store, status, loadSnapshot],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveContextValue {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error('useLive outside LiveProvider');
  return ctx;
}

/**
 * Re-renders on store changes; returns the store's revision. The first change after a quiet spell
 * renders at once (an operator's own command shows immediately); under a burst of live events the
 * component renders at most every `minIntervalMs`, not once per event or per frame.
 */
export function useStoreRevision(store: OccurrenceStore, minIntervalMs = STORE_RENDER_MS): number {
  const subscribe = useMemo(() => throttledSubscribe(store, minIntervalMs), [store, minIntervalMs]);
  return useSyncExternalStore(subscribe, store.getRevision);
}

const STORE_RENDER_MS = 250;

/** A store subscription that tells `notify` on the leading edge, then at most once per interval. */
export function throttledSubscribe(store: OccurrenceStore, minIntervalMs: number): (notify: () => void) => () => void {
  return (notify) => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = store.subscribe(() => {
      if (timer) return;
      const wait = last + minIntervalMs - Date.now();
      if (wait <= 0) {
        last = Date.now();
        notify();
        return;
      }
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        notify();
      }, wait);
    });
    return () => {
      if (timer) clearTimeout(timer);
      unsubscribe();
    };
  };
}

/** A clock that ticks every `ms` (countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
