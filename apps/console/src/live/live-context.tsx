import { createContext, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { OPEN_STATUSES, type LiveOccurrenceEvent, type OccurrenceView, type UnitView } from '@cgi/shared';
import { fetchAllPages, type ApiClient } from '../api/api-client';
import { AssetStore } from '../assets/asset-store';
import { listAssets } from '../assets/assets-api';
import { LiveFeed, type FeedStatus, type LiveFeedOptions } from './live-feed';
import { OccurrenceStore } from './occurrence-store';
import { UnitStore, unitPayload } from '../units/unit-store';

interface LiveContextValue {
  store: OccurrenceStore;
  /** The fleet (units the user may see), moved by the feed. */
  units: UnitStore;
  /** The city's assets, their status followed live. */
  assets: AssetStore;
  status: FeedStatus;
  /** Listeners told of every live event (e.g. operational level changes). */
  onEvent: (fn: (e: LiveOccurrenceEvent) => void) => () => void;
  reload: () => Promise<void>;
}

const FALLBACK_SNAPSHOT_MS = 3000;
const STALE_CHECK_MS = 15_000;
const UNITS_RELOAD_MS = 5000;
const LiveContext = createContext<LiveContextValue | null>(null);

export interface LiveProviderProps {
  api: ApiClient;
  token: () => string | null;
  children: ReactNode;
  /** Today's resolved/closed ones are loaded too (the videowall's median time to acknowledge). */
  withDeparted?: boolean;
  /** For tests and the benchmark. */
  store?: OccurrenceStore;
  units?: UnitStore;
  assets?: AssetStore;
  connect?: LiveFeedOptions['connect'];
  sinceMs?: number;
}

export function LiveProvider({ api, token, children, withDeparted = false, store: given, units: givenUnits, assets: givenAssets, connect, sinceMs }: LiveProviderProps): ReactNode {
  const store = useMemo(() => given ?? new OccurrenceStore(), [given]);
  const units = useMemo(() => givenUnits ?? new UnitStore(), [givenUnits]);
  const assets = useMemo(() => givenAssets ?? new AssetStore(), [givenAssets]);
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

  // The fleet: read at every connection of the feed (positions are telemetry, never replayed).
  const loadUnits = useMemo(
    () => async (): Promise<void> => {
      units.load(await api.get<UnitView[]>('/units'));
    },
    [api, units],
  );

  // The assets: read at every connection of the feed too (`assets:status` is not replayed).
  const loadAssets = useMemo(
    () => async (): Promise<void> => {
      assets.load(await listAssets(api));
    },
    [api, assets],
  );

  useEffect(() => {
    // For the end-to-end tests and the benchmark (bench/console-render.ts).
    (window as unknown as { __cgiLive?: { store: OccurrenceStore; units: UnitStore; assets: AssetStore } }).__cgiLive = { store, units, assets };
    // A unit the console does not know yet (added since the fleet was read): read the fleet again, at most every few seconds.
    // One that is still unknown after that (not in the list the API gives) is not asked about again.
    const unknown = new Set<string>();
    const notListed = new Set<string>();
    const isUnknown = (id: string): boolean => units.loaded && !units.get(id) && !notListed.has(id);
    let lastUnitsReload = 0;
    let unitsReloadTimer: ReturnType<typeof setTimeout> | null = null;
    const reloadUnitsSoon = (ids: string[]): void => {
      ids.forEach((id) => unknown.add(id));
      if (unitsReloadTimer) return;
      unitsReloadTimer = setTimeout(
        () => {
          unitsReloadTimer = null;
          lastUnitsReload = Date.now();
          const asked = [...unknown];
          unknown.clear();
          void loadUnits().then(
            () => asked.forEach((id) => (units.get(id) ? undefined : notListed.add(id))),
            () => undefined,
          );
        },
        Math.max(0, lastUnitsReload + UNITS_RELOAD_MS - Date.now()),
      );
    };
    const feed = new LiveFeed(store, {
      token: () => tokenRef.current(),
      loadSnapshot,
      onStatus: setStatus,
      onEvent: (e) => {
        const unitId = unitPayload(e)?.unit.id;
        if (!units.applyEvent(e) && unitId && isUnknown(unitId)) reloadUnitsSoon([unitId]);
        eventListeners.current.forEach((fn) => fn(e));
      },
      onConnected: () => {
        void loadUnits().catch(() => undefined);
        void loadAssets().catch(() => undefined);
      },
      onAssetStatus: (p) => void assets.apply(p),
      onUnitPositions: (p) => {
        units.applyPositions(p);
        const ids = p.positions.map((x) => x.unitId).filter(isUnknown);
        if (ids.length) reloadUnitsSoon(ids);
      },
      connect,
    });
    feed.start();
    // Without a feed, still show the occurrences and the fleet (under the "feed down" banner).
    const fallback = setTimeout(() => {
      if (!store.loaded) loadSnapshot().catch(() => undefined);
      if (!units.loaded) loadUnits().catch(() => undefined);
      if (!assets.loaded) loadAssets().catch(() => undefined);
    }, FALLBACK_SNAPSHOT_MS);
    // Units heard on the feed go grey when they fall silent.
    const staleCheck = setInterval(() => units.refreshStale(Date.now()), STALE_CHECK_MS);
    return () => {
      clearTimeout(fallback);
      clearInterval(staleCheck);
      if (unitsReloadTimer) clearTimeout(unitsReloadTimer);
      feed.stop();
    };
  }, [store, units, assets, loadSnapshot, loadUnits, loadAssets, connect]);

  const value = useMemo<LiveContextValue>(
    () => ({
      store,
      units,
      assets,
      status,
      reload: loadSnapshot,
      onEvent: (fn) => {
        eventListeners.current.add(fn);
        return () => eventListeners.current.delete(fn);
      },
    }),
    [store, units, assets, status, loadSnapshot],
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
export function useStoreRevision(store: Pick<OccurrenceStore, 'subscribe' | 'getRevision'>, minIntervalMs = STORE_RENDER_MS): number {
  const subscribe = useMemo(() => throttledSubscribe(store, minIntervalMs), [store, minIntervalMs]);
  return useSyncExternalStore(subscribe, store.getRevision);
}

const STORE_RENDER_MS = 250;

/** A store subscription that tells `notify` on the leading edge, then at most once per interval. */
export function throttledSubscribe(store: Pick<OccurrenceStore, 'subscribe'>, minIntervalMs: number): (notify: () => void) => () => void {
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
