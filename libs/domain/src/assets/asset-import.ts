import {
  ASSET_CODE_PATTERN,
  ASSET_KINDS,
  DEPARTMENTS,
  type AssetInput,
  type AssetKind,
  type CameraInfo,
  type Department,
  type FieldError,
  type GeoPoint,
} from '@cgi/shared';
import { isRecord } from '../routing/rule-set-checker';
import { outsideServiceArea } from '../geo/service-area';

/**
 * Import of the asset registry from GeoJSON or CSV (issue 15), row by row: every error names the
 * row and field (`rows[12].lat`, zero-based like every list path of the API; a CSV message also
 * says its line), and a file with any error imports nothing.
 */

export const IMPORT_MAX_ROWS = 5000;
const NAME_MAX = 120;
const ADDRESS_MAX = 200;
const URL_MAX = 500;

export type AssetImportParse = { ok: true; rows: AssetInput[] } | { ok: false; errors: FieldError[] };

/** Where assets may be: within `maxKm` of `center` (Porto and the CGI's service area around it). */
export interface ImportArea {
  center: GeoPoint;
  maxKm: number;
}

/** A raw row: the fields as the file has them (GeoJSON properties + coordinates, or CSV cells). */
type RawRow = Record<string, unknown>;

/** CSV headers and GeoJSON properties accepted for each field (snake_case or camelCase). */
const ALIASES: Record<string, string> = {
  snapshot_url: 'snapshotUrl',
  stream_url: 'streamUrl',
  direction_deg: 'directionDeg',
  latitude: 'lat',
  longitude: 'lon',
  lng: 'lon',
};

class RowChecker {
  readonly errors: FieldError[] = [];
  constructor(private readonly path: string, private readonly where: string) {}

  fail(field: string, message: string): undefined {
    this.errors.push({ field: `${this.path}.${field}`, message: `${message}${this.where}` });
    return undefined;
  }

  text(row: RawRow, field: string, max: number, required: boolean): string | null | undefined {
    const v = row[field];
    if (v === undefined || v === null || v === '') return required ? this.fail(field, 'is required') : null;
    if (typeof v !== 'string') return this.fail(field, 'must be text');
    const t = v.trim();
    if (t === '') return required ? this.fail(field, 'is required') : null;
    if (t.length > max) return this.fail(field, `must be at most ${max} characters`);
    return t;
  }

  number(row: RawRow, field: string, min: number, max: number, required: boolean, integer = false): number | null | undefined {
    const v = row[field];
    if (v === undefined || v === null || v === '') return required ? this.fail(field, 'is required') : null;
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : Number.NaN;
    if (!Number.isFinite(n)) return this.fail(field, `must be a number, got ${JSON.stringify(v)}`);
    if (integer && !Number.isInteger(n)) return this.fail(field, `must be a whole number, got ${n}`);
    if (n < min || n > max) return this.fail(field, `must be between ${min} and ${max}, got ${n}`);
    return n;
  }

  oneOf<T extends string>(row: RawRow, field: string, options: readonly T[]): T | undefined {
    const v = row[field];
    if (v === undefined || v === null || v === '') return this.fail(field, 'is required');
    const t = typeof v === 'string' ? v.trim().toUpperCase() : v;
    if (typeof t !== 'string' || !(options as readonly string[]).includes(t)) return this.fail(field, `must be one of ${options.join(', ')}, got ${JSON.stringify(v)}`);
    return t as T;
  }

  url(row: RawRow, field: string, schemes: readonly string[]): string | null | undefined {
    const t = this.text(row, field, URL_MAX, false);
    if (!t) return t;
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      return this.fail(field, 'must be an absolute URL');
    }
    if (!schemes.includes(url.protocol.replace(/:$/, ''))) return this.fail(field, `must be a ${schemes.join(' or ')} URL`);
    return t;
  }

  boolean(row: RawRow, field: string): boolean | undefined {
    const v = row[field];
    if (v === undefined || v === null || v === '') return false;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false|1|0|yes|no)$/i.test(v.trim())) return /^(true|1|yes)$/i.test(v.trim());
    return this.fail(field, 'must be true or false');
  }
}

/** One row → an asset, or its errors. */
export function checkAssetRow(raw: RawRow, index: number, area: ImportArea | null, where = ''): { asset?: AssetInput; errors: FieldError[] } {
  const row: RawRow = {};
  for (const [k, v] of Object.entries(raw)) row[ALIASES[k] ?? k] = v;
  const c = new RowChecker(`rows[${index}]`, where);
  let code = c.text(row, 'code', 40, true) ?? undefined;
  if (code !== undefined && !ASSET_CODE_PATTERN.test(code)) {
    code = c.fail('code', 'must be 2-40 capital letters, digits or -, starting with a letter or digit (e.g. SEM-BOAVISTA-01)');
  }
  const kind = c.oneOf<AssetKind>(row, 'kind', ASSET_KINDS);
  const name = c.text(row, 'name', NAME_MAX, true);
  const department = c.oneOf<Department>(row, 'department', DEPARTMENTS);
  const lat = c.number(row, 'lat', -90, 90, true);
  const lon = c.number(row, 'lon', -180, 180, true);
  const address = c.text(row, 'address', ADDRESS_MAX, false);
  const synthetic = c.boolean(row, 'synthetic');
  const snapshotUrl = c.url(row, 'snapshotUrl', ['http', 'https']);
  const streamUrl = c.url(row, 'streamUrl', ['http', 'https', 'rtsp']);
  const directionDeg = c.number(row, 'directionDeg', 0, 359, false, true);
  if (lat != null && lon != null && area) {
    for (const e of outsideServiceArea({ lat, lon }, area, 'lat')) {
      c.fail('lat', e.message);
      c.fail('lon', e.message);
    }
  }
  let camera: CameraInfo | null = null;
  if (kind === 'CAMERA') {
    camera = { snapshotUrl: snapshotUrl ?? null, streamUrl: streamUrl ?? null, directionDeg: directionDeg ?? null };
  } else if (kind !== undefined) {
    for (const [field, value] of [['snapshotUrl', snapshotUrl], ['streamUrl', streamUrl], ['directionDeg', directionDeg]] as const) {
      if (value != null) c.fail(field, `is for cameras only, not a ${kind}`);
    }
  }
  if (c.errors.length > 0 || !code || !kind || !name || !department || lat == null || lon == null || synthetic === undefined) {
    return { errors: c.errors };
  }
  return { asset: { code, kind, name, department, location: { lat, lon }, address: address ?? null, camera, synthetic }, errors: [] };
}

/** Rows → assets: all or nothing, every error of every row, repeated codes named on the repeat. */
export function checkAssetRows(rows: RawRow[], area: ImportArea | null, where: (index: number) => string = () => ''): AssetImportParse {
  if (rows.length === 0) return { ok: false, errors: [{ field: 'rows', message: 'the file has no assets' }] };
  if (rows.length > IMPORT_MAX_ROWS) return { ok: false, errors: [{ field: 'rows', message: `at most ${IMPORT_MAX_ROWS} assets per import, got ${rows.length}` }] };
  const errors: FieldError[] = [];
  const assets: AssetInput[] = [];
  const firstOf = new Map<string, number>();
  rows.forEach((row, i) => {
    const checked = checkAssetRow(row, i, area, where(i));
    errors.push(...checked.errors);
    const code = typeof row.code === 'string' ? row.code.trim() : undefined;
    if (code) {
      const first = firstOf.get(code);
      if (first !== undefined) errors.push({ field: `rows[${i}].code`, message: `repeats the code ${code} of rows[${first}]${where(i)}` });
      else firstOf.set(code, i);
    }
    if (checked.asset) assets.push(checked.asset);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rows: assets };
}

/** A GeoJSON FeatureCollection of Point features (properties: code, kind, name, department, …). */
export function parseAssetGeoJson(doc: unknown, area: ImportArea | null): AssetImportParse {
  if (!isRecord(doc) || doc.type !== 'FeatureCollection') {
    return { ok: false, errors: [{ field: 'type', message: 'must be a GeoJSON FeatureCollection' }] };
  }
  if (!Array.isArray(doc.features)) return { ok: false, errors: [{ field: 'features', message: 'must be an array of Features' }] };
  const shapeErrors: FieldError[] = [];
  const rows = doc.features.map((f: unknown, i): RawRow => {
    if (!isRecord(f) || f.type !== 'Feature') {
      shapeErrors.push({ field: `rows[${i}]`, message: 'must be a GeoJSON Feature' });
      return {};
    }
    const props = isRecord(f.properties) ? f.properties : {};
    const g = f.geometry;
    if (!isRecord(g) || g.type !== 'Point' || !Array.isArray(g.coordinates) || g.coordinates.length < 2) {
      shapeErrors.push({ field: `rows[${i}].geometry`, message: 'must be a GeoJSON Point [lon, lat]' });
      return { ...props, lat: 0, lon: 0 };
    }
    return { ...props, lon: g.coordinates[0], lat: g.coordinates[1] };
  });
  const checked = checkAssetRows(rows, area);
  if (shapeErrors.length === 0) return checked;
  const shaped = new Set(shapeErrors.map((e) => e.field.replace(/\.geometry$/, '')));
  // A row that is not a Point Feature reports that, not the coordinates made up for it.
  const rest = checked.ok ? [] : checked.errors.filter((e) => !(shaped.has(e.field.replace(/\.[^.]+$/, '')) && /\.(lat|lon)$/.test(e.field)));
  return { ok: false, errors: [...shapeErrors, ...rest].sort(byRow) };
}

const rowOf = (e: FieldError): number => Number(/^rows\[(\d+)\]/.exec(e.field)?.[1] ?? -1);
const byRow = (a: FieldError, b: FieldError): number => rowOf(a) - rowOf(b);

/** CSV (RFC 4180: quoted fields, "" inside quotes, CRLF or LF) → rows of cells by header. */
export function parseCsv(text: string): { header: string[]; rows: string[][] } | { error: string } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  const src = text.replace(/^\uFEFF/, '');
  while (i < src.length) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { quoted = true; i++; continue; }
    if (ch === ',') { record.push(field); field = ''; i++; continue; }
    if (ch === '\r' && src[i + 1] === '\n') i++;
    if (ch === '\n' || ch === '\r') { record.push(field); records.push(record); record = []; field = ''; i++; continue; }
    field += ch; i++;
  }
  if (quoted) return { error: 'a quoted field is not closed' };
  if (field !== '' || record.length > 0) { record.push(field); records.push(record); }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0].trim() === ''));
  if (nonEmpty.length === 0) return { error: 'the file is empty' };
  const [header, ...rows] = nonEmpty;
  return { header: header.map((h) => h.trim()), rows };
}

/** A CSV file with a header line (code,kind,name,department,lat,lon,address,snapshot_url,stream_url,direction_deg,synthetic). */
export function parseAssetCsv(text: string, area: ImportArea | null): AssetImportParse {
  const parsed = parseCsv(text);
  if ('error' in parsed) return { ok: false, errors: [{ field: 'file', message: parsed.error }] };
  const { header, rows } = parsed;
  const missing = ['code', 'kind', 'name', 'department'].filter((h) => !header.includes(h));
  if (!header.some((h) => h === 'lat' || h === 'latitude') || !header.some((h) => h === 'lon' || h === 'longitude' || h === 'lng')) missing.push('lat/lon');
  if (missing.length > 0) return { ok: false, errors: [{ field: 'header', message: `misses the column(s) ${missing.join(', ')}` }] };
  const errors: FieldError[] = [];
  const raw = rows.map((cells, i): RawRow => {
    if (cells.length !== header.length) errors.push({ field: `rows[${i}]`, message: `has ${cells.length} cells, the header ${header.length} (line ${i + 2})` });
    return Object.fromEntries(header.map((h, k) => [h, cells[k] ?? '']));
  });
  const checked = checkAssetRows(raw, area, (i) => ` (line ${i + 2})`);
  if (errors.length === 0) return checked;
  return { ok: false, errors: [...errors, ...(checked.ok ? [] : checked.errors)].sort(byRow) };
}
