import { gridCell, type GridCell } from './grid';

/**
 * What the generator reads of an occurrence: only facts that may be published once coarsened.
 * Free text (description, notes, address), the reporter, ids and references are never read,
 * so they cannot leak; `x`/`y` are the exact position (EPSG:3763), which only the grid sees.
 */
export interface OccurrenceFacts {
  category: string;
  priority: string;
  source: string;
  status: string;
  leadDepartment: string;
  parishCode: string | null;
  parishName: string | null;
  x: number;
  y: number;
  createdAt: Date;
  dispatchedAt: Date | null;
  acknowledgedAt: Date | null;
  onSceneAt: Date | null;
  resolvedAt: Date | null;
}

/** One published row: the field dictionary of docs/open-data.md, in file order. */
export interface OpenRow {
  category: string;
  priority: string;
  source_channel: string;
  status: string;
  lead_department: string;
  parish_code: string;
  parish_name: string;
  cell_id: string;
  created_at: string;
  dispatched_at: string;
  acknowledged_at: string;
  on_scene_at: string;
  resolved_at: string;
}

export const OPEN_ROW_FIELDS: ReadonlyArray<keyof OpenRow> = [
  'category', 'priority', 'source_channel', 'status', 'lead_department', 'parish_code', 'parish_name',
  'cell_id', 'created_at', 'dispatched_at', 'acknowledged_at', 'on_scene_at', 'resolved_at',
];

/** A row and its cell's projected centre (turned into longitude/latitude by PostGIS). */
export interface ProjectedRow {
  row: OpenRow;
  cell: GridCell;
}

/** Status published: the lifecycle only, an open occurrence's inner steps folded into OPEN. */
function publicStatus(status: string): string {
  return status === 'RESOLVED' || status === 'CLOSED' || status === 'CANCELLED' ? status : 'OPEN';
}

/** UTC, truncated to the minute ("2026-12-03T14:05:00Z"); "" when the step never happened. */
export function minuteUtc(at: Date | null): string {
  if (!at) return '';
  const t = Math.floor(at.getTime() / 60_000) * 60_000;
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

export function projectOccurrence(f: OccurrenceFacts, gridSize: number): ProjectedRow {
  const cell = gridCell(f.x, f.y, gridSize);
  return {
    cell,
    row: {
      category: f.category,
      priority: f.priority,
      source_channel: f.source,
      status: publicStatus(f.status),
      lead_department: f.leadDepartment,
      parish_code: f.parishCode ?? '',
      parish_name: f.parishName ?? '',
      cell_id: cell.id,
      created_at: minuteUtc(f.createdAt),
      dispatched_at: minuteUtc(f.dispatchedAt),
      acknowledged_at: minuteUtc(f.acknowledgedAt),
      on_scene_at: minuteUtc(f.onSceneAt),
      resolved_at: minuteUtc(f.resolvedAt),
    },
  };
}

/** Total order of rows, so the same facts always give the same bytes. */
export function compareRows(a: OpenRow, b: OpenRow): number {
  for (const k of OPEN_ROW_FIELDS) {
    if (a[k] < b[k]) return -1;
    if (a[k] > b[k]) return 1;
  }
  return 0;
}
