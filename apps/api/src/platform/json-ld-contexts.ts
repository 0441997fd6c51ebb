import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jsonld from 'jsonld';
import type { RemoteDocument } from 'jsonld/jsonld-spec';
import type { JsonObject } from '@cgi/domain';
import { repoRoot } from '../database/repo-root';

/**
 * The JSON-LD contexts the CGI understands, shipped with it (data/ngsi-ld/contexts, with their
 * licences): the NGSI-LD core context and the Smart Data Models' Alert and Device contexts. The
 * document loader serves only these, by the URLs brokers and the models name them: nothing is
 * fetched at run time, and a notification naming another remote context is refused.
 */
export const CORE_CONTEXT_URL = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld';
export const ALERT_CONTEXT_URL = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Alert/master/context.jsonld';
export const DEVICE_CONTEXT_URL = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Device/master/context.jsonld';

const FILES: Record<string, string> = {
  [CORE_CONTEXT_URL]: 'ngsi-ld-core-context-v1.8.jsonld',
  'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld': 'ngsi-ld-core-context-v1.8.jsonld',
  [ALERT_CONTEXT_URL]: 'smart-data-models-alert-context.jsonld',
  'https://smart-data-models.github.io/dataModel.Alert/context.jsonld': 'smart-data-models-alert-context.jsonld',
  [DEVICE_CONTEXT_URL]: 'smart-data-models-device-context.jsonld',
  'https://smart-data-models.github.io/dataModel.Device/context.jsonld': 'smart-data-models-device-context.jsonld',
};

const documents = new Map<string, unknown>();
function document(url: string): unknown {
  let doc = documents.get(url);
  if (doc === undefined) {
    doc = JSON.parse(readFileSync(join(repoRoot(), 'data', 'ngsi-ld', 'contexts', FILES[url]), 'utf8'));
    documents.set(url, doc);
  }
  return doc;
}

export const isShippedContext = (url: string): boolean => url in FILES;
export const SHIPPED_CONTEXT_URLS: readonly string[] = Object.keys(FILES);

/** The JSON-LD document loader: the shipped contexts, and nothing else. */
export const documentLoader = async (url: string): Promise<RemoteDocument> => {
  if (!isShippedContext(url)) throw new Error(`@context ${url} is not one of the contexts the CGI ships`);
  return { documentUrl: url, document: document(url) as RemoteDocument['document'] };
};

const SDM_ALERT = 'https://smartdatamodels.org/dataModel.Alert/Alert';
const SDM_DEVICE = 'https://smartdatamodels.org/dataModel.Device/Device';
const DEFAULT_VOCAB = 'https://uri.etsi.org/ngsi-ld/default-context/';

/** A JSON-LD @context value as a notification carries it: URLs and inline objects. */
export type ContextValue = string | JsonObject | Array<string | JsonObject>;

export type EntityKind = 'Alert' | 'Device';

/**
 * One entity of a notification, expanded with the notification's @context (the core context is
 * always implied, last) and compacted with the CGI's context for its type: a Smart Data Models
 * Alert or Device (or one typed through the core context's default vocabulary, when the broker
 * sends no context) comes out with the model's attribute names whatever prefixes or aliases the
 * sender used. Answers null for an entity of another type.
 */
export async function compactEntity(entity: JsonObject, context: ContextValue | null): Promise<{ kind: EntityKind; entity: JsonObject } | null> {
  const own = entity['@context'] as ContextValue | undefined;
  const supplied = own ?? context;
  const ctx = [...(supplied === null ? [] : Array.isArray(supplied) ? supplied : [supplied]), CORE_CONTEXT_URL];
  const body = { ...entity };
  delete body['@context'];
  const expanded = await jsonld.expand({ '@context': ctx, ...body } as jsonld.JsonLdDocument, { documentLoader });
  if (expanded.length !== 1) throw new Error(expanded.length === 0 ? 'is empty once expanded' : 'expands to several nodes');
  const types = (expanded[0]['@type'] ?? []) as string[];
  const kind: EntityKind | null = types.some((t) => t === SDM_ALERT || t === `${DEFAULT_VOCAB}Alert`)
    ? 'Alert'
    : types.some((t) => t === SDM_DEVICE || t === `${DEFAULT_VOCAB}Device`)
      ? 'Device'
      : null;
  if (!kind) return null;
  const sdm = types.includes(kind === 'Alert' ? SDM_ALERT : SDM_DEVICE);
  const target = sdm ? [kind === 'Alert' ? ALERT_CONTEXT_URL : DEVICE_CONTEXT_URL, CORE_CONTEXT_URL] : [CORE_CONTEXT_URL];
  const compacted = (await jsonld.compact(expanded, target as unknown as jsonld.ContextDefinition, { documentLoader, compactArrays: true })) as unknown as JsonObject;
  delete compacted['@context'];
  return { kind, entity: compacted };
}
