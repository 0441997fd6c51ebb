import type { Department, OccurrenceStatus, Priority } from './enums';
import type { GeoPoint } from './occurrence';
import type { OccurrenceFlags } from './rules';

/**
 * The city's equipment (issue 15): cameras, traffic-light controllers, retractable bollards and
 * sensors. One definition for the API, the Urban Platform adapter, the simulator and the console.
 */

/** What an asset is. Sensors carry what they measure in the kind. */
export const ASSET_KINDS = [
  'CAMERA',
  'TRAFFIC_LIGHT',
  'BOLLARD',
  'FLOOD_SENSOR',
  'AIR_QUALITY_SENSOR',
  'NOISE_SENSOR',
  'WEATHER_STATION',
] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** The map layers the console toggles: every sensor kind is one layer. */
export const ASSET_LAYERS = ['CAMERA', 'TRAFFIC_LIGHT', 'BOLLARD', 'SENSOR'] as const;
export type AssetLayer = (typeof ASSET_LAYERS)[number];

export const ASSET_LAYER_OF: Readonly<Record<AssetKind, AssetLayer>> = {
  CAMERA: 'CAMERA',
  TRAFFIC_LIGHT: 'TRAFFIC_LIGHT',
  BOLLARD: 'BOLLARD',
  FLOOD_SENSOR: 'SENSOR',
  AIR_QUALITY_SENSOR: 'SENSOR',
  NOISE_SENSOR: 'SENSOR',
  WEATHER_STATION: 'SENSOR',
};

/** OK: working; FAULT: reports a fault; OFFLINE: not reachable; MAINTENANCE: out of service on purpose. */
export const ASSET_STATUSES = ['OK', 'FAULT', 'OFFLINE', 'MAINTENANCE'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/** An asset code, unique in the registry: what imports, the Urban Platform and people name it by. */
export const ASSET_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,39}$/;

/** Camera-only fields. */
export interface CameraInfo {
  /** A still image URL (http/https), opened from an occurrence's detail. */
  snapshotUrl: string | null;
  /** A live stream URL (http/https/rtsp), null when the camera has none. */
  streamUrl: string | null;
  /** Viewing direction, degrees clockwise from north, 0–359; null for a dome camera. */
  directionDeg: number | null;
}

/** An asset as the API returns it. */
export interface AssetView {
  id: string;
  code: string;
  kind: AssetKind;
  name: string;
  /** The department responsible for it (its faults are routed by the rule set, not by this). */
  department: Department;
  location: GeoPoint;
  /** Street address from Porto's address points, when known. */
  address: string | null;
  parishCode: string | null;
  status: AssetStatus;
  /** When the status last changed (ISO 8601), and what said so. */
  statusChangedAt: string;
  statusReason: string | null;
  /** Set for cameras, null otherwise. */
  camera: CameraInfo | null;
  /** The open occurrence a fault of this asset opened, if any. */
  openOccurrence: { id: string; reference: string } | null;
  /** Synthetic demo data (not real equipment). */
  synthetic: boolean;
  version: number;
  updatedAt: string;
}

/** An asset near an occurrence (its detail lists them: cameras first, then by distance). */
export interface NearbyAssetView {
  asset: AssetView;
  distanceMeters: number;
}

/** An occurrence linked to an asset (an asset's detail lists them, open first). */
export interface AssetOccurrenceView {
  id: string;
  reference: string;
  category: string;
  priority: Priority;
  status: OccurrenceStatus;
  createdAt: string;
  /** Fault reports of the asset linked to it (1 for the one that opened it). */
  reportCount: number;
}

/** An asset's detail: the view, its status history (latest first) and its occurrences. */
export interface AssetDetail extends AssetView {
  statusHistory: Array<{ status: AssetStatus; at: string; reason: string | null; source: string }>;
  occurrences: AssetOccurrenceView[];
}

/**
 * Rule-set data: which occurrence an asset's status opens. A status with no row for the kind
 * (MAINTENANCE, and OK always) opens nothing.
 */
export interface AssetFaultRule {
  kind: AssetKind;
  status: Exclude<AssetStatus, 'OK' | 'MAINTENANCE'>;
  category: string;
  flags?: Partial<OccurrenceFlags>;
}

/**
 * Rule-set data: a FIWARE Alert (smart-data-models/dataModel.Alert) → an occurrence. Matched on
 * `category` and `subCategory`; an Alert with no row is taken as `OTHER` for CGI triage.
 */
export interface PlatformAlertRule {
  /** Alert `category` (traffic, weather, environment, health, security, agriculture, …). */
  alertCategory: string;
  /** Alert `subCategory` (e.g. "flood", "trafficJam", "carAccident", "highTemperature"). */
  alertSubCategory: string;
  category: string;
  flags?: Partial<OccurrenceFlags>;
  /** Alert `severity` (informational, low, medium, high, critical) → a priority; unset: the category's default. */
  priorityBySeverity?: Partial<Record<'informational' | 'low' | 'medium' | 'high' | 'critical', Priority>>;
}

/** Assets and the Urban Platform in the rule set (`RuleSetDocument.assets`). */
export interface AssetRules {
  faults: AssetFaultRule[];
  platformAlerts: PlatformAlertRule[];
  /** An occurrence's detail lists the assets within this many metres (300). */
  nearbyRadiusMeters: number;
}

/** What said an asset's status changed. */
export const ASSET_STATUS_SOURCES = ['OPERATOR', 'SENSOR', 'PLATFORM', 'IMPORT'] as const;
export type AssetStatusSource = (typeof ASSET_STATUS_SOURCES)[number];

/** The live feed's `assets:status` message: the assets whose status changed, as they are now. */
export interface LiveAssetStatus {
  assets: AssetView[];
}

/** The answer of an import (`POST /api/v1/assets/import`, `npm run assets:import`): upserted by code. */
export interface AssetImportResult {
  created: number;
  updated: number;
  unchanged: number;
  /** True when nothing was stored (`dryRun`). */
  dryRun: boolean;
}

/**
 * An asset as imported or created: what a GeoJSON Feature's properties or a CSV row carry
 * (after validation). Status is not imported for an existing asset: it is the field's business.
 */
export type AssetInput = Pick<AssetView, 'code' | 'kind' | 'name' | 'department' | 'location' | 'address' | 'camera' | 'synthetic'>;
