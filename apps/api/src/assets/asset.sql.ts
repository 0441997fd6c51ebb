import { OPEN_STATUSES, type AssetKind, type AssetOccurrenceView, type AssetStatus, type AssetView, type Department, type OccurrenceStatus, type Priority } from '@cgi/shared';
import type { Queryable } from '../events/event-log.sql';

/**
 * The assets feature's SQL as plain functions: the asset row and its view, the open fault
 * occurrence of an asset, and an asset's occurrences.
 */

/** The statuses of an open occurrence, as an SQL list. */
export const OPEN_STATUS_LIST = OPEN_STATUSES.map((s) => `'${s}'`).join(',');

/** A row of ASSET_SELECT. */
export interface AssetRow {
  id: string;
  code: string;
  kind: AssetKind;
  name: string;
  department: Department;
  lat: number;
  lon: number;
  address: string | null;
  parish_code: string | null;
  status: AssetStatus;
  status_changed_at: Date;
  status_reason: string | null;
  last_observed_at: Date | null;
  snapshot_url: string | null;
  stream_url: string | null;
  direction_deg: number | null;
  synthetic: boolean;
  version: number;
  updated_at: Date;
  open_occurrence_id: string | null;
  open_occurrence_reference: string | null;
}

/**
 * The open occurrence a fault of asset `a` opened: its newest link, while that occurrence is open
 * (a link is only made when none is open, so an open one is the newest; one index probe and one
 * primary-key probe per asset, however many past faults it has).
 */
export const OPEN_FAULT_OCCURRENCE = `
  LEFT JOIN LATERAL (
    SELECT o.id, o.reference
      FROM (SELECT occurrence_id FROM asset_occurrences WHERE asset_id = a.id ORDER BY created_at DESC LIMIT 1) l
      JOIN occurrences o ON o.id = l.occurrence_id
     WHERE o.status IN (${OPEN_STATUS_LIST})) oo ON true`;

export const ASSET_COLUMNS = `
  a.id, a.code, a.kind, a.name, a.department,
  ST_Y(a.location::geometry) AS lat, ST_X(a.location::geometry) AS lon, a.address, a.parish_code,
  a.status, a.status_changed_at, a.status_reason, a.last_observed_at,
  a.snapshot_url, a.stream_url, a.direction_deg, a.synthetic, a.version, a.updated_at,
  oo.id AS open_occurrence_id, oo.reference AS open_occurrence_reference`;

export const ASSET_SELECT = `SELECT ${ASSET_COLUMNS} FROM assets a ${OPEN_FAULT_OCCURRENCE}`;

export function toAssetView(r: AssetRow): AssetView {
  return {
    id: r.id,
    code: r.code,
    kind: r.kind,
    name: r.name,
    department: r.department,
    location: { lat: r.lat, lon: r.lon },
    address: r.address,
    parishCode: r.parish_code,
    status: r.status,
    statusChangedAt: new Date(r.status_changed_at).toISOString(),
    statusReason: r.status_reason,
    camera: r.kind === 'CAMERA' ? { snapshotUrl: r.snapshot_url, streamUrl: r.stream_url, directionDeg: r.direction_deg } : null,
    openOccurrence: r.open_occurrence_id === null ? null : { id: r.open_occurrence_id, reference: r.open_occurrence_reference ?? '' },
    synthetic: r.synthetic,
    version: r.version,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** The assets with these ids, as views (in code order). */
export async function assetViews(q: Queryable, ids: readonly string[]): Promise<AssetView[]> {
  if (ids.length === 0) return [];
  const rows = (await q.query(`${ASSET_SELECT} WHERE a.id = ANY($1::uuid[]) ORDER BY a.code`, [ids])) as AssetRow[];
  return rows.map(toAssetView);
}

interface AssetOccurrenceRow {
  id: string;
  reference: string;
  category: string;
  priority: Priority;
  status: OccurrenceStatus;
  created_at: Date;
  report_count: number;
}

/** The occurrences an asset's faults opened: open ones first, then newest first. */
export async function assetOccurrences(q: Queryable, assetId: string, limit: number): Promise<AssetOccurrenceView[]> {
  const rows = (await q.query(
    `SELECT o.id, o.reference, o.category, o.priority, o.status, o.created_at, ao.report_count
       FROM asset_occurrences ao JOIN occurrences o ON o.id = ao.occurrence_id
      WHERE ao.asset_id = $1
      ORDER BY (o.status IN (${OPEN_STATUS_LIST})) DESC, o.created_at DESC, o.id
      LIMIT $2`,
    [assetId, limit],
  )) as AssetOccurrenceRow[];
  return rows.map((r) => ({
    id: r.id, reference: r.reference, category: r.category, priority: r.priority, status: r.status,
    createdAt: new Date(r.created_at).toISOString(), reportCount: r.report_count,
  }));
}

/** The parish of a point (CAOP polygons), as an SQL expression of `$lon`, `$lat` parameters. */
export const parishOf = (lon: string, lat: string): string =>
  `(SELECT code FROM parishes WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)) ORDER BY code LIMIT 1)`;
