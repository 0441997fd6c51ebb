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

/** What one entity of a notification comes out as. */
export type CompactedEntity = { kind: EntityKind; entity: JsonObject } | null;

const contextList = (supplied: ContextValue | null): Array<string | JsonObject> =>
  [...(supplied === null ? [] : Array.isArray(supplied) ? supplied : [supplied]), CORE_CONTEXT_URL];

/** The kind of an expanded node by its @type, and the context to compact it with. */
function kindOf(node: JsonObject): { kind: EntityKind; target: string[] } | null {
  const types = (node['@type'] ?? []) as string[];
  const kind: EntityKind | null = types.some((t) => t === SDM_ALERT || t === `${DEFAULT_VOCAB}Alert`)
    ? 'Alert'
    : types.some((t) => t === SDM_DEVICE || t === `${DEFAULT_VOCAB}Device`)
      ? 'Device'
      : null;
  if (!kind) return null;
  const sdm = types.includes(kind === 'Alert' ? SDM_ALERT : SDM_DEVICE);
  return { kind, target: sdm ? [kind === 'Alert' ? ALERT_CONTEXT_URL : DEVICE_CONTEXT_URL, CORE_CONTEXT_URL] : [CORE_CONTEXT_URL] };
}

async function compactNodes(nodes: JsonObject[], target: string[]): Promise<JsonObject[]> {
  const out = (await jsonld.compact(nodes as unknown as jsonld.JsonLdDocument, target as unknown as jsonld.ContextDefinition, { documentLoader, compactArrays: true })) as unknown as JsonObject;
  const graph = nodes.length === 1 ? [out] : ((out['@graph'] ?? []) as JsonObject[]);
  for (const g of graph) delete g['@context'];
  return graph;
}

/**
 * One entity of a notification, expanded with the notification's @context (the core context is
 * always implied, last) and compacted with the CGI's context for its type: a Smart Data Models
 * Alert or Device (or one typed through the core context's default vocabulary, when the broker
 * sends no context) comes out with the model's attribute names whatever prefixes or aliases the
 * sender used. Answers null for an entity of another type.
 */
export async function compactEntity(entity: JsonObject, context: ContextValue | null): Promise<CompactedEntity> {
  const own = entity['@context'] as ContextValue | undefined;
  const body = { ...entity };
  delete body['@context'];
  const expanded = (await jsonld.expand({ '@context': contextList(own ?? context), ...body } as jsonld.JsonLdDocument, { documentLoader })) as unknown as JsonObject[];
  if (expanded.length !== 1) throw new Error(expanded.length === 0 ? 'is empty once expanded' : 'expands to several nodes');
  const k = kindOf(expanded[0]);
  if (!k) return null;
  return { kind: k.kind, entity: (await compactNodes(expanded, k.target))[0] };
}

/**
 * The entities of a notification, each as `compactEntity` answers it or the Error it failed with.
 * Those that share the notification's @context are expanded and compacted together (JSON-LD's
 * cost is mostly per call: together it is 2–3 times cheaper); if that fails, or the expansion
 * does not give back one node per entity in order, each is done on its own, so a bad entity still
 * fails alone.
 */
export async function compactEntities(entities: JsonObject[], context: ContextValue | null): Promise<Array<CompactedEntity | Error>> {
  const one = (e: JsonObject): Promise<CompactedEntity | Error> => compactEntity(e, context).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  const shared = entities.flatMap((e, i) => (e['@context'] === undefined ? [i] : []));
  const out: Array<CompactedEntity | Error | undefined> = new Array(entities.length);
  if (shared.length > 1) {
    try {
      const expanded = (await jsonld.expand({ '@context': contextList(context), '@graph': shared.map((i) => entities[i]) } as unknown as jsonld.JsonLdDocument, { documentLoader })) as unknown as JsonObject[];
      const aligned = expanded.length === shared.length && shared.every((i, k) => typeof expanded[k]['@id'] === 'string' && entities[i].id === expanded[k]['@id']);
      if (aligned) {
        const groups = new Map<string, { target: string[]; kind: EntityKind; at: number[] }>();
        shared.forEach((i, k) => {
          const kind = kindOf(expanded[k]);
          if (!kind) return void (out[i] = null);
          const key = kind.target.join(' ');
          const g = groups.get(key) ?? { target: kind.target, kind: kind.kind, at: [] };
          g.at.push(k);
          groups.set(key, g);
        });
        for (const g of groups.values()) {
          const compacted = await compactNodes(g.at.map((k) => expanded[k]), g.target);
          if (compacted.length !== g.at.length) throw new Error('compaction did not keep one node per entity');
          g.at.forEach((k, n) => (out[shared[k]] = { kind: g.kind, entity: compacted[n] }));
        }
      }
    } catch {
      for (const i of shared) out[i] = undefined;
    }
  }
  return Promise.all(entities.map((e, i) => (out[i] !== undefined ? (out[i] as CompactedEntity | Error) : one(e))));
}
