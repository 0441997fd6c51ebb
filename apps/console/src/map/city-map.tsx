import { useEffect, useRef, type ReactNode } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { AssetLayer as AssetLayerCode, OperationalLevel, UnitTrail, UnitView } from '@cgi/shared';
import type { AssetStore } from '../assets/asset-store';
import { LEVEL_LABELS, UNIT_DEPARTMENT_LETTER, UNIT_KIND_SHORT } from '../i18n/dictionary';
import { useI18n, type Lang } from '../i18n/i18n';
import type { OccurrenceStore } from '../live/occurrence-store';
import type { UnitStore } from '../units/unit-store';
// The municipality outline ships in data/porto (CAOP, CC BY 4.0); Vite bundles it as an asset.
// eslint-disable-next-line @nx/enforce-module-boundaries
import municipalityUrl from '../../../../data/porto/municipality.geojson?url';
import type { ConsoleConfig } from './console-config';
import { AssetLayer } from './asset-layer';
import { LEVEL_STYLE } from './marker-style';
import { OccurrenceLayer } from './occurrence-layer';
import { UnitLayer } from './unit-layer';
import { UNIT_DEPARTMENT_COLOR } from './unit-style';

export interface ParishProps {
  code: string;
  name: string;
  shortName: string;
}
export type ParishCollection = FeatureCollection<Geometry, ParishProps>;

export interface CityMapProps {
  config: ConsoleConfig;
  store: OccurrenceStore;
  parishes: ParishCollection | null;
  /** Operational level per scope (parish code or CITY). */
  levels: Record<string, OperationalLevel>;
  variant: 'videowall' | 'workstation';
  onSelect?: (id: string) => void;
  onPick?: (lat: number, lon: number) => void;
  picked?: { lat: number; lon: number } | null;
  highlight?: string | null;
  label: string;
  /** The fleet, drawn above the occurrences. */
  units?: UnitStore;
  onSelectUnit?: (id: string) => void;
  unitHighlight?: string | null;
  /** Units labelled with their callsign besides the usual ones (the proposals of the open occurrence). */
  labelledUnits?: string[];
  /** A unit's trail, drawn as a line (oldest to newest). */
  trail?: UnitTrail | null;
  /** The city's assets, drawn under the occurrences, the layers in `assetLayers` only. */
  assets?: AssetStore;
  assetLayers?: ReadonlySet<AssetLayerCode>;
  onSelectAsset?: (id: string) => void;
  assetHighlight?: string | null;
}

/** What a unit's plate says: the department's letter (in its colour) and the kind's abbreviation. */
export function unitLook(lang: Lang): (u: UnitView) => { letter: string; letterColor: string; abbr: string } {
  return (u) => ({
    letter: UNIT_DEPARTMENT_LETTER[u.department]?.[lang] ?? u.department.slice(0, 1),
    letterColor: UNIT_DEPARTMENT_COLOR[u.department] ?? '#ffffff',
    abbr: UNIT_KIND_SHORT[u.kind]?.[lang] ?? u.kind.slice(0, 4),
  });
}

/** The zoom the map goes to (at least) for a selected asset: its street. */
const ASSET_ZOOM = 17;

const PORTO_BOUNDS = L.latLngBounds([41.1383, -8.6913], [41.1859, -8.5526]);

/**
 * Porto with its parishes (from the API) and municipality boundary (bundled), so it works with no
 * tile server at all; the raster base map is configuration. Occurrences are one canvas layer.
 */
export function CityMap(props: CityMapProps): ReactNode {
  const { config, store, parishes, levels, variant, onSelect, onPick, picked, highlight, label, units, onSelectUnit, unitHighlight, trail, labelledUnits, assets, assetLayers, onSelectAsset, assetHighlight } = props;
  const { lang } = useI18n();
  const langRef = useRef(lang);
  langRef.current = lang;
  const unitLayer = useRef<UnitLayer | null>(null);
  const trailLine = useRef<L.Polyline | null>(null);
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const parishLayer = useRef<L.GeoJSON | null>(null);
  const occLayer = useRef<OccurrenceLayer | null>(null);
  const pickMarker = useRef<L.CircleMarker | null>(null);
  const assetLayer = useRef<AssetLayer | null>(null);
  const assetLayersRef = useRef(assetLayers);
  assetLayersRef.current = assetLayers;
  const handlers = useRef({ onSelect, onPick, onSelectUnit, onSelectAsset });
  handlers.current = { onSelect, onPick, onSelectUnit, onSelectAsset };

  useEffect(() => {
    if (!el.current) return;
    const videowall = variant === 'videowall';
    const m = L.map(el.current, {
      zoomControl: !videowall,
      attributionControl: true,
      // Parishes and the municipality outline are SVG: static, rasterised once into the map pane's tiles.
      // (On a Leaflet canvas they were re-uploaded at every commit of the occurrence canvases: ~4 ms a frame at 4K.)
      preferCanvas: false,
      zoomSnap: 0.25,
      keyboard: !videowall,
      fadeAnimation: false,
    });
    m.fitBounds(PORTO_BOUNDS, { padding: [8, 8] });
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19, crossOrigin: true }).addTo(m);
    } else {
      m.attributionControl.addAttribution('CAOP © DGT (CC BY 4.0)');
    }
    fetch(municipalityUrl)
      .then((r) => r.json())
      .then((fc: FeatureCollection) => {
        L.geoJSON(fc, { interactive: false, style: { color: '#e8eef5', weight: videowall ? 5 : 3, fill: false } }).addTo(m);
      })
      .catch(() => undefined);
    const uLayer = units
      ? new UnitLayer(units, {
          height: videowall ? Math.max(16, Math.round((window.innerHeight / 1080) * 20)) : 18,
          // Clear of the occurrence marker (diamond: 1.3 × its radius) the unit may be standing on.
          lift: videowall ? Math.round(Math.max(10, Math.round((window.innerHeight / 1080) * 11)) * 1.3) + 4 : 14,
          labelFromZoom: videowall ? undefined : 15,
          look: unitLook(langRef.current),
          onSelect: (id) => handlers.current.onSelectUnit?.(id),
        })
      : null;
    const layer = new OccurrenceLayer(store, {
      radius: videowall ? Math.max(10, Math.round((window.innerHeight / 1080) * 11)) : 9,
      onSelect: (id) => handlers.current.onSelect?.(id),
      // A unit drawn above an occurrence takes the click (when units can be selected here).
      covered: (x, y) => !!handlers.current.onSelectUnit && uLayer?.hit(x, y) != null,
    });
    // Assets under the occurrences: a click goes to a unit, then an occurrence, then an asset.
    const aLayer = assets
      ? new AssetLayer(assets, {
          size: videowall ? Math.max(8, Math.round((window.innerHeight / 1080) * 9)) : 7,
          visible: assetLayersRef.current ?? new Set(),
          onSelect: (id) => handlers.current.onSelectAsset?.(id),
          covered: (x, y) => !handlers.current.onSelectAsset || layer.hitAt(x, y) || (!!handlers.current.onSelectUnit && uLayer?.hit(x, y) != null),
        })
      : null;
    aLayer?.addTo(m);
    assetLayer.current = aLayer;
    layer.addTo(m);
    occLayer.current = layer;
    if (uLayer) {
      uLayer.addTo(m);
      unitLayer.current = uLayer;
    }
    m.on('click', (e: L.LeafletMouseEvent) => {
      const unit = handlers.current.onSelectUnit ? uLayer?.hit(e.containerPoint.x, e.containerPoint.y) : null;
      if (unit) handlers.current.onSelectUnit?.(unit);
      else handlers.current.onPick?.(e.latlng.lat, e.latlng.lng);
    });
    // The container changes size when panels open or close: keep Leaflet's idea of it right.
    const resize = new ResizeObserver(() => m.invalidateSize({ pan: false }));
    resize.observe(el.current);
    map.current = m;
    (window as unknown as { __cgiMap?: { map: L.Map; layer: OccurrenceLayer; units: UnitLayer | null; assets: AssetLayer | null } }).__cgiMap = { map: m, layer, units: uLayer, assets: aLayer };
    return () => {
      resize.disconnect();
      m.remove();
      map.current = null;
      parishLayer.current = null;
      unitLayer.current = null;
      assetLayer.current = null;
      trailLine.current = null;
    };
  }, [config, store, variant, units, assets]);

  useEffect(() => {
    assetLayer.current?.setVisible(assetLayers ?? new Set());
  }, [assetLayers]);

  // The selected asset, close enough to tell it from the occurrences and assets around it (often one of them is its fault).
  useEffect(() => {
    assetLayer.current?.setHighlight(assetHighlight ?? null);
    const m = map.current;
    const a = assetHighlight ? assets?.get(assetHighlight) : undefined;
    if (!m || !a) return;
    const timer = setTimeout(() => {
      m.invalidateSize({ pan: false });
      m.setView([a.location.lat, a.location.lon], Math.max(m.getZoom(), ASSET_ZOOM), { animate: false });
    }, 50);
    return () => clearTimeout(timer);
  }, [assetHighlight, assets]);

  useEffect(() => {
    unitLayer.current?.relook(unitLook(lang));
  }, [lang]);

  useEffect(() => {
    unitLayer.current?.setLabelled(labelledUnits ?? []);
  }, [labelledUnits]);

  useEffect(() => {
    unitLayer.current?.setHighlight(unitHighlight ?? null);
    const m = map.current;
    const u = unitHighlight ? units?.get(unitHighlight) : undefined;
    if (!m || !u?.position) return;
    const at = u.position;
    const timer = setTimeout(() => {
      m.invalidateSize({ pan: false });
      keepInView(m, at);
    }, 50);
    return () => clearTimeout(timer);
  }, [unitHighlight, units]);

  // The selected unit's trail: a line under the plates, its newest end at the unit; the map frames it when it is opened.
  const framed = useRef<string | null>(null);
  useEffect(() => {
    const m = map.current;
    trailLine.current?.remove();
    trailLine.current = null;
    if (!trail) framed.current = null;
    if (!m || !trail || trail.points.length < 2) return;
    const line = L.polyline(
      trail.points.map((p) => [p.lat, p.lon] as [number, number]),
      { color: '#4fb3ff', weight: 4, opacity: 0.9, dashArray: '8 5', interactive: false, className: 'unit-trail' },
    ).addTo(m);
    trailLine.current = line;
    if (framed.current !== trail.unitId) {
      framed.current = trail.unitId;
      m.fitBounds(line.getBounds(), { padding: [60, 60], maxZoom: 16, animate: false });
    }
  }, [trail]);

  // Parishes, styled by their operational level (outline weight, dash and a label, not colour alone).
  useEffect(() => {
    const m = map.current;
    if (!m || !parishes) return;
    parishLayer.current?.remove();
    const city = levels.CITY ?? 'NORMAL';
    const levelOf = (code: string): OperationalLevel => strictest(levels[code] ?? 'NORMAL', city);
    const layer = L.geoJSON(parishes, {
      interactive: false,
      style: (f?: Feature<Geometry, ParishProps>) => {
        const s = LEVEL_STYLE[levelOf(f?.properties.code ?? '')];
        return { color: s.color, weight: s.weight, dashArray: s.dash, fillColor: s.color, fillOpacity: s.fillOpacity };
      },
      onEachFeature: (f: Feature<Geometry, ParishProps>, l) => {
        const level = levelOf(f.properties.code);
        const name = f.properties.shortName.split(',')[0];
        l.bindTooltip(`${name}${level !== 'NORMAL' ? ` · ${LEVEL_LABELS[level][lang].toUpperCase()}` : ''}`, {
          permanent: true,
          direction: 'center',
          className: `parish-label level-${level.toLowerCase()}`,
        });
      },
    });
    layer.addTo(m);
    layer.bringToBack();
    parishLayer.current = layer;
  }, [parishes, levels, lang]);

  // The selected occurrence or unit is kept in view (a detail column opening narrows the map).
  const keepInView = (m: L.Map, at: { lat: number; lon: number }): void => {
    if (!m.getBounds().pad(-0.08).contains([at.lat, at.lon])) m.panTo([at.lat, at.lon], { animate: false });
  };

  useEffect(() => {
    occLayer.current?.setHighlight(highlight ?? null);
    unitLayer.current?.setOccurrence(highlight ?? null);
    const m = map.current;
    const o = highlight ? store.get(highlight) : undefined;
    if (!m || !o) return;
    // After the detail column has opened (the map's new size).
    const timer = setTimeout(() => {
      m.invalidateSize({ pan: false });
      keepInView(m, o.location);
    }, 50);
    return () => clearTimeout(timer);
  }, [highlight, store]);

  useEffect(() => {
    const m = map.current;
    pickMarker.current?.remove();
    pickMarker.current = null;
    if (m && picked) {
      pickMarker.current = L.circleMarker([picked.lat, picked.lon], { radius: 12, color: '#ffffff', weight: 3, fillColor: '#0a84ff', fillOpacity: 0.8 }).addTo(m);
    }
  }, [picked]);

  return (
    <div
      ref={el}
      className={`city-map city-map--${variant}${config.tileUrl ? '' : ' city-map--offline'}`}
      role="region"
      aria-label={label}
      data-testid="city-map"
    />
  );
}

const RANK: Record<OperationalLevel, number> = { NORMAL: 0, ALERT: 1, CRISIS: 2 };
function strictest(a: OperationalLevel, b: OperationalLevel): OperationalLevel {
  return RANK[a] >= RANK[b] ? a : b;
}
