/**
 * Reading the attributes of an NGSI-LD entity once it is compacted with the CGI's own context
 * (ETSI GS CIM 009 §4.5): the same code reads the normalized form (`{type: 'Property', value}`,
 * `{type: 'GeoProperty', value}`, `{type: 'Relationship', object}`) and the keyValues form (the bare
 * value), so a broker may notify in either.
 */

/** A JSON value as it comes out of JSON-LD compaction. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const ATTRIBUTE_TYPES = new Set(['Property', 'GeoProperty', 'Relationship', 'LanguageProperty', 'VocabProperty', 'JsonProperty', 'ListProperty']);

/** A field that could not be read: the path names it (`data[2].dateIssued`). */
export class AttributeError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An attribute instance of the normalized form. */
function isAttribute(v: Json): v is JsonObject {
  return isObject(v) && typeof v.type === 'string' && ATTRIBUTE_TYPES.has(v.type) && ('value' in v || 'object' in v || 'languageMap' in v || 'vocab' in v || 'json' in v);
}

/**
 * The value of attribute `name` (undefined when absent): a Property's value, a GeoProperty's
 * geometry, a Relationship's object, or the bare keyValues value. Of a multi-attribute (several
 * instances by datasetId) the default instance (no datasetId) is read, else the first.
 */
export function attributeValue(entity: JsonObject, name: string): Json | undefined {
  let raw = entity[name];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw) && raw.length > 0 && raw.every(isAttribute)) {
    raw = raw.find((a) => isObject(a) && a.datasetId === undefined) ?? raw[0];
  }
  if (isAttribute(raw)) {
    if ('object' in raw) return raw.object;
    if ('value' in raw) return unwrapValue(raw.value);
    if ('vocab' in raw) return raw.vocab;
    if ('json' in raw) return raw.json;
    return raw.languageMap;
  }
  return unwrapValue(raw);
}

/** `observedAt` of a normalized attribute, when it has one. */
export function attributeObservedAt(entity: JsonObject, name: string): string | undefined {
  const raw = entity[name];
  return isAttribute(raw as Json) && typeof (raw as JsonObject).observedAt === 'string' ? ((raw as JsonObject).observedAt as string) : undefined;
}

/** A typed JSON-LD value (`{"@type": "DateTime", "@value": "…"}`, compacted as `type`) → its value. */
function unwrapValue(v: Json): Json {
  if (isObject(v) && '@value' in v) return v['@value'];
  return v;
}

export function requiredString(entity: JsonObject, name: string, path: string, maxLength = 256): string {
  const v = attributeValue(entity, name);
  if (v === undefined || v === null) throw new AttributeError(`${path}.${name}`, 'is required');
  return stringOf(v, `${path}.${name}`, maxLength);
}

export function optionalString(entity: JsonObject, name: string, path: string, maxLength = 4000): string | null {
  const v = attributeValue(entity, name);
  if (v === undefined || v === null) return null;
  return stringOf(v, `${path}.${name}`, maxLength);
}

function stringOf(v: Json, field: string, maxLength: number): string {
  if (typeof v !== 'string') throw new AttributeError(field, 'must be a string');
  const s = v.trim();
  if (s.length === 0) throw new AttributeError(field, 'must not be empty');
  if (s.length > maxLength) throw new AttributeError(field, `must be at most ${maxLength} characters`);
  return s;
}

/** An ISO 8601 date-time with a time zone (the model's DateTime), as a Date. */
export function dateTimeOf(v: Json | undefined, field: string): Date {
  if (typeof v !== 'string') throw new AttributeError(field, v === undefined ? 'is required' : 'must be an ISO 8601 date-time');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v)) {
    throw new AttributeError(field, 'must be an ISO 8601 date-time with a time zone (2026-12-04T09:25:55Z)');
  }
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new AttributeError(field, 'must be a valid date-time');
  return d;
}

/**
 * The point a GeoJSON geometry stands for: a Point itself; of a line or an area (a closed road, a
 * flooded zone) the mean of its positions, which is where an operator looks first.
 */
export function pointOf(v: Json | undefined, field: string): { lat: number; lon: number } {
  if (!isObject(v)) throw new AttributeError(field, v === undefined ? 'is required (a GeoJSON geometry)' : 'must be a GeoJSON geometry');
  const kinds: Record<string, number> = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };
  if (typeof v.type !== 'string' || !(v.type in kinds)) {
    throw new AttributeError(`${field}.type`, 'must be Point, MultiPoint, LineString, MultiLineString, Polygon or MultiPolygon');
  }
  const positions: number[][] = [];
  const walk = (c: Json, depth: number, path: string): void => {
    if (!Array.isArray(c)) throw new AttributeError(path, 'must be an array');
    if (depth === 0) {
      if (c.length < 2 || c.length > 3 || !c.every((n) => typeof n === 'number' && Number.isFinite(n))) {
        throw new AttributeError(path, 'must be a position [longitude, latitude]');
      }
      positions.push(c as number[]);
      return;
    }
    if (c.length === 0) throw new AttributeError(path, 'must not be empty');
    c.forEach((x, i) => walk(x, depth - 1, `${path}[${i}]`));
  };
  walk(v.coordinates ?? null, kinds[v.type], `${field}.coordinates`);
  const lon = positions.reduce((s, p) => s + p[0], 0) / positions.length;
  const lat = positions.reduce((s, p) => s + p[1], 0) / positions.length;
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) throw new AttributeError(`${field}.coordinates`, 'must be longitude -180..180, latitude -90..90');
  return { lat, lon };
}
