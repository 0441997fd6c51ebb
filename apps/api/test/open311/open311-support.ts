import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ApiKeyService } from '../../src/auth/api-key.service';
import { startApi, type ApiHarness } from '../../../../test/support/api-harness';

/** Boots the API with its own Redis prefixes (rate limits, callback queue) and fast callback timers. */
export async function startOpen311Api(overrides: Record<string, string> = {}): Promise<ApiHarness> {
  const run = randomBytes(4).toString('hex');
  return startApi({
    RATE_LIMIT_KEY_PREFIX: `t311:${run}`,
    CALLBACK_QUEUE_PREFIX: `t311:${run}`,
    CALLBACK_POLL_MS: '50',
    CALLBACK_BACKOFF_MS: '50',
    CALLBACK_BACKOFF_MAX_MS: '200',
    PUBLIC_BASE_URL: 'https://cgi.example.test',
    ...overrides,
  });
}

export async function createKey(api: ApiHarness, scopes: Array<'occurrences:create' | 'reference:read'> = ['occurrences:create']): Promise<{ id: string; key: string }> {
  const created = await api.app.get(ApiKeyService).create(`Gabinete do Munícipe ${randomBytes(3).toString('hex')}`, scopes, 'test');
  return { id: created.id, key: created.key };
}

/** application/x-www-form-urlencoded, as an Open311 client sends. */
export function form(fields: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

const schemaDir = join(__dirname, 'schemas');
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const name of ['request', 'requests', 'service', 'services', 'service-definition']) {
  ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, `${name}.json`), 'utf8')), `${name}.json`);
}

/** A validator of one of the Open311 project's schemas. */
export function schema(name: 'request' | 'requests' | 'service' | 'services' | 'service-definition'): ValidateFunction {
  return ajv.getSchema(`${name}.json`)!;
}

export function expectValid(name: Parameters<typeof schema>[0], body: unknown): void {
  const v = schema(name);
  const ok = v(body);
  if (!ok) throw new Error(`not valid against ${name}.json: ${ajv.errorsText(v.errors)}\n${JSON.stringify(body, null, 2)}`);
}

/** Well-formed XML with the UTF-8 declaration; returns it parsed (repeated elements always arrays where listed). */
export function parseXml(text: string, arrays: string[] = []): Record<string, unknown> {
  expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`XML not well formed: ${JSON.stringify(valid)}`);
  return new XMLParser({ parseTagValue: false, isArray: (name) => arrays.includes(name) }).parse(text) as Record<string, unknown>;
}

/** Element names of an object parsed from XML (first level). */
export const names = (o: unknown): string[] => Object.keys(o as object).sort();

/** Waits until `check` is truthy (polling; the assertion is on the result, not on the time taken). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
