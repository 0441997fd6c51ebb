import type { Department, OccurrenceStatus, OccurrenceView, PlatformAlertRule, Priority } from '@cgi/shared';
import { OPEN_STATUSES } from '@cgi/shared';
import { coarseCoordinate } from '../open311/open311';
import type { AlertCategory, AlertSeverity } from './platform-alert';

/** The alertSource of every Alert the CGI publishes: how the CGI knows its own alerts coming back. */
export const CGI_ALERT_SOURCE = 'urn:ngsi-ld:Organization:CGI-Porto';
/** Prefix of the ids of the Alerts the CGI publishes, followed by the occurrence's reference. */
export const CGI_ALERT_ID_PREFIX = 'urn:ngsi-ld:Alert:CGI-Porto:';

/** What the CGI publishes of an occurrence: nothing a person wrote or is (ADR 0027). */
export interface PublishableOccurrence extends Pick<OccurrenceView, 'id' | 'reference' | 'category' | 'priority' | 'status' | 'source' | 'lead'> {
  lat: number;
  lon: number;
  /** A citizen's report made public by the CGI (ADR 0020): its exact point may be shown. */
  madePublic: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const SEVERITY: Record<Priority, AlertSeverity> = { P1: 'critical', P2: 'high', P3: 'medium', P4: 'low' };

/** A category the table has no row for is published in the Alert category of its lead department. */
const CATEGORY_OF_LEAD: Record<Department, AlertCategory> = {
  POLICE: 'security',
  FIRE: 'security',
  CIVIL_PROTECTION: 'naturalDisaster',
  MOBILITY: 'traffic',
  ENVIRONMENT: 'environment',
  CGI: 'security',
};

/** The Alert entity's id for an occurrence, and back. */
export const alertIdOf = (reference: string): string => `${CGI_ALERT_ID_PREFIX}${reference}`;
export const referenceOfAlertId = (id: string): string | null =>
  id.startsWith(CGI_ALERT_ID_PREFIX) && /^[A-Z0-9-]{1,40}$/.test(id.slice(CGI_ALERT_ID_PREFIX.length)) ? id.slice(CGI_ALERT_ID_PREFIX.length) : null;

/** The Alert (keyValues) of an occurrence: what the Urban Platform and its readers see. */
export interface CgiAlertKeyValues {
  id: string;
  type: 'Alert';
  category: AlertCategory;
  subCategory?: string;
  severity: AlertSeverity;
  location: { type: 'Point'; coordinates: [number, number] };
  dateIssued: string;
  validFrom: string;
  validTo?: string;
  dateModified: string;
  alertSource: string;
  name: string;
  data: { reference: string; category: string; status: OccurrenceStatus; priority: Priority; open: boolean };
}

/**
 * An occurrence as a FIWARE Alert in keyValues form. Its category and subCategory are the first
 * platformAlerts row of its category (the way back of the mapping in); with none, the Alert
 * category of its lead department and no subCategory. A citizen's report not made public is
 * placed at its point rounded to 0.001° (ADR 0020); no description, notes, reporter or address.
 */
export function occurrenceToAlert(o: PublishableOccurrence, rules: readonly PlatformAlertRule[]): CgiAlertKeyValues {
  const row = rules.find((r) => r.category === o.category);
  const coarse = o.source === 'CITIZEN' && !o.madePublic;
  const lon = coarse ? coarseCoordinate(o.lon) : o.lon;
  const lat = coarse ? coarseCoordinate(o.lat) : o.lat;
  const open = OPEN_STATUSES.includes(o.status);
  return {
    id: alertIdOf(o.reference),
    type: 'Alert',
    category: (row?.alertCategory as AlertCategory | undefined) ?? CATEGORY_OF_LEAD[o.lead],
    ...(row ? { subCategory: row.alertSubCategory } : {}),
    severity: SEVERITY[o.priority],
    location: { type: 'Point', coordinates: [lon, lat] },
    dateIssued: o.createdAt.toISOString(),
    validFrom: o.createdAt.toISOString(),
    ...(open ? {} : { validTo: o.updatedAt.toISOString() }),
    dateModified: o.updatedAt.toISOString(),
    alertSource: CGI_ALERT_SOURCE,
    name: o.reference,
    data: { reference: o.reference, category: o.category, status: o.status, priority: o.priority, open },
  };
}

const DATE_TIME_ATTRIBUTES = new Set(['dateIssued', 'validFrom', 'validTo', 'dateModified']);

/** NGSI-LD normalized form of a keyValues entity: Properties, the location a GeoProperty, dates typed DateTime. */
export function toNormalized(kv: CgiAlertKeyValues): Record<string, unknown> {
  const out: Record<string, unknown> = { id: kv.id, type: kv.type };
  for (const [name, value] of Object.entries(kv)) {
    if (name === 'id' || name === 'type') continue;
    if (name === 'location') out[name] = { type: 'GeoProperty', value };
    else if (DATE_TIME_ATTRIBUTES.has(name)) out[name] = { type: 'Property', value: { '@type': 'DateTime', '@value': value } };
    else out[name] = { type: 'Property', value };
  }
  return out;
}
