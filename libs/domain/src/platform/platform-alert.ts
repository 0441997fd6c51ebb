import type { OccurrenceFlags, PlatformAlertRule, Priority } from '@cgi/shared';
import { OTHER_CATEGORY } from '../routing/validate-rule-set';
import { AttributeError, attributeValue, dateTimeOf, optionalString, pointOf, requiredString, type JsonObject } from './ngsi-ld-attribute';

/** The Alert model's categories and severities (smart-data-models/dataModel.Alert, alert-schema.json). */
export const ALERT_CATEGORIES = ['traffic', 'naturalDisaster', 'weather', 'environment', 'health', 'security', 'agriculture'] as const;
export type AlertCategory = (typeof ALERT_CATEGORIES)[number];
export const ALERT_SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** What an Urban Platform Alert becomes: the intake's input, and the key that makes it idempotent. */
export interface PlatformAlertIntake {
  entityId: string;
  category: string;
  /** The rule row that matched, or null: the category is then OTHER, for CGI triage. */
  rule: PlatformAlertRule | null;
  flags: Partial<OccurrenceFlags>;
  /** From the row's priorityBySeverity; undefined: the category's default. */
  priority: Priority | undefined;
  location: { lat: number; lon: number };
  description: string;
  dateIssued: Date;
  /** Entity id + dateIssued: the same alert notified twice is one occurrence (intake's Idempotency-Key). */
  idempotencyKey: string;
}

const MAX_DESCRIPTION = 4000;

/**
 * A FIWARE Alert entity (compacted with the CGI's context; normalized or keyValues) → an intake.
 * Required by the model: id, type, alertSource, category, dateIssued; the CGI also needs a location.
 * The row of `rules` matching category and subCategory gives the CGI category, flags and priority;
 * with no row the alert is taken as OTHER (an operator triages it). Throws AttributeError naming
 * the field (`path` prefixes it: `data[3]`).
 */
export function alertToIntake(entity: JsonObject, rules: readonly PlatformAlertRule[], path: string): PlatformAlertIntake {
  const entityId = entityIdOf(entity, path);
  const alertCategory = requiredString(entity, 'category', path, 100);
  if (!(ALERT_CATEGORIES as readonly string[]).includes(alertCategory)) {
    throw new AttributeError(`${path}.category`, `must be one of ${ALERT_CATEGORIES.join(', ')}`);
  }
  const subCategory = optionalString(entity, 'subCategory', path, 100);
  const severity = optionalString(entity, 'severity', path, 20);
  if (severity !== null && !(ALERT_SEVERITIES as readonly string[]).includes(severity)) {
    throw new AttributeError(`${path}.severity`, `must be one of ${ALERT_SEVERITIES.join(', ')}`);
  }
  const alertSource = alertSourceOf(entity, path);
  const dateIssued = dateTimeOf(attributeValue(entity, 'dateIssued'), `${path}.dateIssued`);
  const location = pointOf(attributeValue(entity, 'location'), `${path}.location`);
  const text = optionalString(entity, 'description', path, MAX_DESCRIPTION);
  const rule = rules.find((r) => r.alertCategory === alertCategory && r.alertSubCategory === subCategory) ?? null;
  const kind = subCategory ? `${alertCategory}/${subCategory}` : alertCategory;
  const origin = `[Plataforma Urbana: alerta ${kind}${severity ? `, ${severity}` : ''}; ${entityId}; fonte ${alertSource}]`;
  const description = (text ? `${text}\n${origin}` : origin).slice(0, MAX_DESCRIPTION);
  return {
    entityId,
    category: rule?.category ?? OTHER_CATEGORY,
    rule,
    flags: { ...(rule?.flags ?? {}) },
    priority: severity && rule?.priorityBySeverity ? rule.priorityBySeverity[severity as AlertSeverity] : undefined,
    location,
    description,
    dateIssued,
    idempotencyKey: `ngsi-ld:${entityId}@${dateIssued.toISOString()}`,
  };
}

/** The entity's id: a URI (NGSI-LD §4.5.2), at most 256 characters. */
export function entityIdOf(entity: JsonObject, path: string): string {
  const id = entity.id;
  if (typeof id !== 'string' || id.length === 0) throw new AttributeError(`${path}.id`, 'is required (a URI)');
  if (id.length > 256 || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(id)) throw new AttributeError(`${path}.id`, 'must be a URI of at most 256 characters');
  return id;
}

/** alertSource: a Relationship in the normalized form (its object), a URL or an entity id in keyValues. */
export function alertSourceOf(entity: JsonObject, path: string): string {
  return requiredString(entity, 'alertSource', path, 256);
}
