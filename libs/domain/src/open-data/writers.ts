import { roundDegrees } from './grid';
import { OPEN_ROW_FIELDS, type OpenRow } from './open-row';
import type { ParishCount } from './k-suppression';

/** A published row with its cell centre in WGS84 degrees. */
export interface PlacedRow {
  row: OpenRow;
  lon: number;
  lat: number;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV (RFC 4180, UTF-8, CRLF, header row) of the given columns. */
export function writeCsv<T>(columns: ReadonlyArray<keyof T & string>, rows: readonly T[], cell: (row: T, column: keyof T & string) => string | number): string {
  const lines = [columns.map(csvField).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(cell(r, c))).join(','));
  return lines.join('\r\n') + '\r\n';
}

export const OCCURRENCE_CSV_COLUMNS = [...OPEN_ROW_FIELDS, 'cell_lon', 'cell_lat'] as const;
type OccurrenceColumn = (typeof OCCURRENCE_CSV_COLUMNS)[number];

export function occurrencesCsv(rows: readonly PlacedRow[]): string {
  return writeCsv<Record<OccurrenceColumn, string | number>>(
    OCCURRENCE_CSV_COLUMNS,
    rows.map((r) => ({ ...r.row, cell_lon: roundDegrees(r.lon), cell_lat: roundDegrees(r.lat) })),
    (r, c) => r[c],
  );
}

export const PARISH_CSV_COLUMNS = ['parish_code', 'parish_name', 'category', 'occurrences', 'suppressed'] as const;

export function parishesCsv(rows: readonly ParishCount[]): string {
  return writeCsv<ParishCount>(PARISH_CSV_COLUMNS, rows, (r, c) => r[c]);
}

/** GeoJSON (RFC 7946): one Point feature per row at its cell centre, the row as properties. */
export function occurrencesGeoJson(rows: readonly PlacedRow[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [roundDegrees(r.lon), roundDegrees(r.lat)] },
      properties: r.row,
    })),
  }) + '\n';
}
