import type { FastifyReply } from 'fastify';
import { XMLBuilder } from 'fast-xml-parser';
import { DateTime } from 'luxon';
import { Open311Exception } from './open311.exception';

/** The two formats of GeoReport v2, chosen by the resource's extension (`services.xml`). */
export type Open311Format = 'json' | 'xml';

export const CONTENT_TYPES: Record<Open311Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

export function parseFormat(raw: string | undefined): Open311Format {
  if (raw === 'json' || raw === 'xml') return raw;
  throw Open311Exception.notFound(`format: unknown format "${raw ?? ''}"; use .xml or .json`);
}

/** The format an URL asks for (for errors raised before the route's own parsing). */
export function formatOfUrl(url: string): Open311Format {
  const path = url.split('?')[0];
  return path.endsWith('.json') ? 'json' : 'xml';
}

/** A w3 / ISO 8601 date-time to the second with the Lisbon offset, as the specification requires (never without a zone). */
export function w3Date(d: Date | null): string | null {
  if (!d) return null;
  return DateTime.fromJSDate(d, { zone: 'Europe/Lisbon' }).set({ millisecond: 0 }).toISO({ suppressMilliseconds: true, includeOffset: true });
}

type Scalar = string | number | boolean | null | undefined;
/** An element's children by name: scalars, nested elements, or arrays of either (repeated elements). */
export type XmlNode = object;

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false, processEntities: true });

/** null/undefined become empty elements, as in the specification's examples; booleans true/false. */
function normalise(node: XmlNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node) as Array<[string, unknown]>) {
    if (Array.isArray(v)) out[k] = (v as unknown[]).map((x) => (x !== null && typeof x === 'object' ? normalise(x) : scalar(x as Scalar)));
    else if (v !== null && typeof v === 'object') out[k] = normalise(v);
    else out[k] = scalar(v as Scalar);
  }
  return out;
}

const scalar = (v: Scalar): string | number => (v === null || v === undefined ? '' : typeof v === 'boolean' ? String(v) : v);

/** `<?xml …?>` and one root element: `{ services: { service: [...] } }`. */
export function toXml(root: XmlNode): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(normalise(root)) as string}`;
}

export function send(reply: FastifyReply, status: number, format: Open311Format, json: unknown, xml: XmlNode): void {
  void reply
    .status(status)
    .header('content-type', CONTENT_TYPES[format])
    .send(format === 'json' ? JSON.stringify(json) : toXml(xml));
}
