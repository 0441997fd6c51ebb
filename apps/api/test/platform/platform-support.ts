import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { attributeValue, type JsonObject } from '@cgi/domain';

/** The Smart Data Models' Alert schema and examples, copied in the repository (test/standards/fiware-alert). */
export const STANDARD_DIR = join(__dirname, '..', '..', '..', '..', 'test', 'standards', 'fiware-alert');
export const standardFile = <T = JsonObject>(name: string): T => JSON.parse(readFileSync(join(STANDARD_DIR, name), 'utf8')) as T;

let validator: ValidateFunction | null = null;
/** Ajv (JSON Schema 2020-12) with the Alert schema and the common and weather definitions it references, offline. */
export function alertSchema(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of ['common-schema.json', 'weather-schema.json', 'alert-schema.json']) ajv.addSchema(standardFile(f));
  validator = ajv.compile(standardFile('schema.json'));
  return validator;
}

/** An entity in normalized form → its keyValues form (what the Alert schema describes). */
export function keyValuesOf(entity: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const name of Object.keys(entity)) {
    if (name === '@context') continue;
    out[name] = name === 'id' || name === 'type' ? entity[name] : attributeValue(entity, name)!;
  }
  return out;
}

/** Asserts an Alert (keyValues) is valid against the FIWARE schema, with Ajv's errors in the message. */
export function expectValidAlert(kv: JsonObject): void {
  const validate = alertSchema();
  const id = String(kv.id);
  if (!validate(kv)) throw new Error(`Alert ${id} invalid against the FIWARE Alert schema: ${JSON.stringify(validate.errors)}`);
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  at: number;
}

/**
 * A recorder HTTP server standing in for the context broker (Orion-LD cannot be installed here):
 * it records every request and answers as `respond` says (a real broker's status codes).
 */
export async function startRecorder(respond: (r: Recorded, all: Recorded[]) => { status: number; body?: unknown; headers?: Record<string, string> }): Promise<{
  url: string;
  requests: Recorded[];
  close: () => Promise<void>;
}> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : null, at: Date.now() };
      requests.push(rec);
      const answer = respond(rec, requests);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A notification as a broker sends it. */
export function notification(data: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `urn:ngsi-ld:Notification:${Math.random().toString(36).slice(2)}`,
    type: 'Notification',
    subscriptionId: 'urn:ngsi-ld:Subscription:CGI-Porto:alerts',
    notifiedAt: new Date().toISOString(),
    data,
    ...extra,
  };
}

export const ALERT_LINK = '<https://raw.githubusercontent.com/smart-data-models/dataModel.Alert/master/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"';
export const ALERT_CONTEXT = [
  'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
  'https://raw.githubusercontent.com/smart-data-models/dataModel.Alert/master/context.jsonld',
];
/** Rua de Santa Catarina, Porto ([lon, lat]). */
export const PORTO: [number, number] = [-8.6063, 41.1496];
