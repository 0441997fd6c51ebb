import { ASSET_CODE_PATTERN, type AssetStatus } from '@cgi/shared';
import { AttributeError, attributeObservedAt, attributeValue, dateTimeOf, type Json, type JsonObject } from './ngsi-ld-attribute';
import { entityIdOf } from './platform-alert';

/** What a Device entity says about one of the CGI's assets. */
export interface DeviceStatusReport {
  entityId: string;
  /** The asset's code in the CGI's registry. */
  code: string;
  status: AssetStatus;
  /** The device's own state text, kept as the status reason. */
  reason: string;
  observedAt: Date;
  /** Entity id + observedAt: a report notified twice is taken once. */
  idempotencyKey: string;
}

/**
 * deviceState is free text in the Device model ("vendor dependent"): the words brokers and
 * IoT agents use, case-insensitive, → an asset status. Anything else is refused, naming the field.
 */
const STATE_WORDS: ReadonlyArray<[AssetStatus, readonly string[]]> = [
  ['OK', ['ok', 'on', 'active', 'working', 'operational', 'normal', 'online', 'running', 'green']],
  ['FAULT', ['fault', 'faulty', 'failure', 'failed', 'error', 'broken', 'defective', 'alarm', 'malfunction', 'damaged']],
  ['OFFLINE', ['offline', 'off', 'disconnected', 'unreachable', 'down', 'noconnection', 'lost']],
  ['MAINTENANCE', ['maintenance', 'inmaintenance', 'undermaintenance', 'disabled', 'outofservice', 'inactive', 'testing']],
];

export function assetStatusOfDeviceState(state: string): AssetStatus | null {
  const word = state.toLowerCase().replace(/[\s_-]/g, '');
  return STATE_WORDS.find(([, words]) => words.includes(word))?.[0] ?? null;
}

/**
 * A Device entity (smart-data-models/dataModel.Device, compacted; normalized or keyValues) → the
 * asset status it reports. The asset is the device's `controlledAsset` (the first, when several),
 * else the device itself; its code is the last segment of the entity id
 * (`urn:ngsi-ld:TrafficLight:TL-0042` → `TL-0042`). When: deviceState's observedAt, else
 * dateLastValueReported, else the entity's modifiedAt, else the notification's notifiedAt.
 */
export function deviceToStatus(entity: JsonObject, path: string, notifiedAt: Date): DeviceStatusReport {
  const entityId = entityIdOf(entity, path);
  const stateRaw = attributeValue(entity, 'deviceState');
  if (typeof stateRaw !== 'string' || stateRaw.trim() === '') throw new AttributeError(`${path}.deviceState`, stateRaw === undefined ? 'is required' : 'must be a string');
  const status = assetStatusOfDeviceState(stateRaw.trim());
  if (!status) throw new AttributeError(`${path}.deviceState`, `"${stateRaw.slice(0, 40)}" is not a state the CGI knows (ok, fault, offline, maintenance, …)`);
  const controlled = attributeValue(entity, 'controlledAsset');
  const target = firstString(controlled) ?? entityId;
  const code = (target.split(':').pop() ?? '').toUpperCase();
  if (!ASSET_CODE_PATTERN.test(code)) {
    throw new AttributeError(`${path}.${controlled === undefined ? 'id' : 'controlledAsset'}`, `names no asset code (its last segment "${code.slice(0, 40)}" is not 2–40 of A–Z 0–9 -)`);
  }
  const when = attributeObservedAt(entity, 'deviceState') ?? attributeValue(entity, 'dateLastValueReported') ?? (entity.modifiedAt as Json | undefined);
  const observedAt = when === undefined || when === null ? notifiedAt : dateTimeOf(when, `${path}.deviceState.observedAt`);
  return {
    entityId,
    code,
    status,
    reason: `Plataforma Urbana: ${entityId} deviceState "${stateRaw.trim().slice(0, 80)}"`,
    observedAt,
    idempotencyKey: `ngsi-ld:${entityId}@${observedAt.toISOString()}`,
  };
}

function firstString(v: Json | undefined): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.find((x): x is string => typeof x === 'string') ?? null;
  return null;
}
