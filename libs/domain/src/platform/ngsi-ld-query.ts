/**
 * The NGSI-LD query parameters of `GET /ngsi-ld/v1/entities` the CGI answers (ETSI GS CIM 009
 * §4.9 q, §4.10 geo-queries, §6.4.3.2): parsed and checked here, turned into SQL by the API.
 */

/** A query parameter that is not valid: the parameter is named. */
export class QueryParamError extends Error {
  constructor(readonly param: string, message: string, readonly unsupported = false) {
    super(message);
  }
}

export type QOperator = '==' | '!=' | '>' | '>=' | '<' | '<=';

/** One term of q: `attribute op value[,value…]` (a range `a..b` only with ==). */
export interface QTerm {
  /** The attribute, with a compound member as `data.status` for `data[status]`. */
  attribute: string;
  op: QOperator;
  values: Array<string | number | boolean>;
  range?: [string | number, string | number];
}

/** The attributes of the CGI's Alerts a q may test. */
export const QUERYABLE_ATTRIBUTES = [
  'category', 'subCategory', 'severity', 'dateIssued', 'validFrom', 'dateModified', 'name', 'alertSource',
  'data.reference', 'data.category', 'data.status', 'data.priority', 'data.open',
] as const;
export type QueryableAttribute = (typeof QUERYABLE_ATTRIBUTES)[number];

const TERM = /^([A-Za-z][A-Za-z0-9_]*(?:\[[A-Za-z][A-Za-z0-9_]*\])?)(==|!=|>=|<=|>|<)(.+)$/;

/**
 * q: terms joined by `;` (AND). `|` (OR) and parentheses are refused as not supported. Values:
 * "quoted strings", numbers, true/false, ISO date-times; a list `a,b` or a range `a..b` with ==.
 */
export function parseQ(q: string): QTerm[] {
  if (q.length > 1000) throw new QueryParamError('q', 'must be at most 1000 characters');
  if (/[|()]/.test(q.replace(/"[^"]*"/g, '""'))) throw new QueryParamError('q', 'OR (|) and parentheses are not supported by the CGI; AND the terms with ;', true);
  const terms = splitOutsideQuotes(q, ';');
  if (terms.length === 0 || terms.some((t) => t.trim() === '')) throw new QueryParamError('q', 'must be terms such as category=="traffic" joined by ;');
  return terms.map((raw) => {
    const m = TERM.exec(raw.trim());
    if (!m) throw new QueryParamError('q', `"${raw.slice(0, 60)}" is not attribute==value (operators == != > >= < <=)`);
    const attribute = m[1].replace(/\[([A-Za-z0-9_]+)\]$/, '.$1');
    if (!(QUERYABLE_ATTRIBUTES as readonly string[]).includes(attribute)) {
      throw new QueryParamError('q', `${attribute} is not an attribute the CGI's Alerts can be queried by (${QUERYABLE_ATTRIBUTES.join(', ')})`);
    }
    const op = m[2] as QOperator;
    const rangeMatch = /^(.+?)\.\.(.+)$/.exec(m[3]);
    if (rangeMatch && !m[3].startsWith('"')) {
      if (op !== '==') throw new QueryParamError('q', 'a range a..b goes with == only');
      return { attribute, op, values: [], range: [scalar(rangeMatch[1]) as string | number, scalar(rangeMatch[2]) as string | number] };
    }
    const values = splitOutsideQuotes(m[3], ',').map(scalar);
    if (values.length > 1 && op !== '==' && op !== '!=') throw new QueryParamError('q', 'a list a,b goes with == or != only');
    return { attribute, op, values };
  });
}

function scalar(raw: string): string | number | boolean {
  const v = raw.trim();
  if (/^"([^"\\]|\\.)*"$/.test(v)) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(v) && !Number.isNaN(Date.parse(v))) return v;
  throw new QueryParamError('q', `${v.slice(0, 60)} is not a value: quote strings ("traffic"), or give a number, true/false or a date-time`);
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"' && s[i - 1] !== '\\') quoted = !quoted;
    if (ch === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) throw new QueryParamError('q', 'has an unclosed quote');
  out.push(cur);
  return out;
}

/** A geo-query the CGI answers: near a point, within / beyond a distance in metres. */
export interface GeoQuery {
  lon: number;
  lat: number;
  maxDistance?: number;
  minDistance?: number;
}

/**
 * georel `near;maxDistance==2000` (or minDistance) with geometry `Point` and coordinates
 * `[lon,lat]`. Other relations (within, intersects…) and geometries are refused as not supported.
 */
export function parseGeo(georel: string | undefined, geometry: string | undefined, coordinates: string | undefined): GeoQuery | null {
  if (georel === undefined && geometry === undefined && coordinates === undefined) return null;
  if (georel === undefined) throw new QueryParamError('georel', 'is required with geometry and coordinates');
  if (geometry === undefined) throw new QueryParamError('geometry', 'is required with georel');
  if (coordinates === undefined) throw new QueryParamError('coordinates', 'is required with georel');
  const [rel, ...mods] = georel.split(';');
  if (rel !== 'near') {
    if (['within', 'contains', 'intersects', 'disjoint', 'overlaps', 'equals'].includes(rel)) {
      throw new QueryParamError('georel', `${rel} is not supported by the CGI: use near;maxDistance==<metres>`, true);
    }
    throw new QueryParamError('georel', `${rel.slice(0, 30)} is not a georel`);
  }
  if (geometry !== 'Point') throw new QueryParamError('geometry', 'must be Point with georel near', geometry !== undefined && ['Polygon', 'LineString', 'MultiPolygon'].includes(geometry));
  let point: unknown;
  try {
    point = JSON.parse(coordinates);
  } catch {
    throw new QueryParamError('coordinates', 'must be a JSON position [longitude, latitude]');
  }
  if (!Array.isArray(point) || point.length !== 2 || !point.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw new QueryParamError('coordinates', 'must be a position [longitude, latitude]');
  }
  const [lon, lat] = point as [number, number];
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) throw new QueryParamError('coordinates', 'must be longitude -180..180, latitude -90..90');
  const geo: GeoQuery = { lon, lat };
  if (mods.length === 0) throw new QueryParamError('georel', 'near needs maxDistance==<metres> or minDistance==<metres>');
  for (const mod of mods) {
    const m = /^(maxDistance|minDistance)==(\d+(\.\d+)?)$/.exec(mod);
    if (!m) throw new QueryParamError('georel', `${mod.slice(0, 40)} is not maxDistance==<metres> or minDistance==<metres>`);
    const metres = Number(m[2]);
    if (metres > 100_000) throw new QueryParamError('georel', `${m[1]} must be at most 100000 metres`);
    if (m[1] === 'maxDistance') geo.maxDistance = metres;
    else geo.minDistance = metres;
  }
  return geo;
}

/** limit (1–1000, default 20) and offset (≥ 0, default 0). */
export function parsePaging(limit: string | undefined, offset: string | undefined): { limit: number; offset: number } {
  const int = (v: string | undefined, name: string, def: number, min: number, max: number): number => {
    if (v === undefined) return def;
    if (!/^\d+$/.test(v)) throw new QueryParamError(name, 'must be a whole number');
    const n = Number(v);
    if (n < min || n > max) throw new QueryParamError(name, `must be ${min}–${max}`);
    return n;
  };
  return { limit: int(limit, 'limit', 20, 1, 1000), offset: int(offset, 'offset', 0, 0, 1_000_000) };
}
