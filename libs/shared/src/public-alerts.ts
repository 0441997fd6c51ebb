/**
 * Public alerts (issue 16, governance.md §7): CAP 1.2 warnings a CGI supervisor issues, updates
 * and cancels. The enums are CAP 1.2's own values (OASIS CAP 1.2 §3.2.2).
 */

export const CAP_CATEGORIES = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
export type CapCategory = (typeof CAP_CATEGORIES)[number];

export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export type CapUrgency = (typeof CAP_URGENCIES)[number];

export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export type CapSeverity = (typeof CAP_SEVERITIES)[number];

export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
export type CapCertainty = (typeof CAP_CERTAINTIES)[number];

export const CAP_RESPONSE_TYPES = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const;
export type CapResponseType = (typeof CAP_RESPONSE_TYPES)[number];

export const CAP_MSG_TYPES = ['Alert', 'Update', 'Cancel'] as const;
export type CapMsgType = (typeof CAP_MSG_TYPES)[number];

export const CAP_STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export type CapStatus = (typeof CAP_STATUSES)[number];

/** The languages of an alert: Portuguese required, English optional (CAP `info` pt-PT / en-GB). */
export const ALERT_LANGUAGES = ['pt', 'en'] as const;
export type AlertLanguage = (typeof ALERT_LANGUAGES)[number];

export interface AlertText {
  /** CAP `event`: what the alert is about ("Cheias", "Flooding"). */
  event: string;
  headline: string;
  description: string;
  instruction?: string;
  /** `areaDesc` of a drawn polygon or circle in this language (parishes use their names). */
  areaDescription?: string;
}

/** A point as [lat, lon] (the CAP order). */
export type LatLon = [number, number];

export interface AlertCircle {
  lat: number;
  lon: number;
  radiusKm: number;
}

/** Exactly one of: parishes (INE/CAOP codes), a drawn polygon, a circle. */
export interface AlertAreaInput {
  parishes?: string[];
  polygon?: LatLon[];
  circle?: AlertCircle;
}

/** What a supervisor drafts (POST /api/v1/public-alerts, and the body of an update). */
export interface AlertDraftInput {
  category: CapCategory[];
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: CapCertainty;
  responseType?: CapResponseType[];
  /** ISO 8601 instants; `effective` defaults to the time of issue. */
  effective?: string;
  onset?: string;
  expires: string;
  texts: { pt: AlertText; en?: AlertText };
  area: AlertAreaInput;
  occurrenceIds?: string[];
  web?: string;
}

/** One CAP `area` as serialised: CAP strings ("lat,lon lat,lon …", "lat,lon radiusKm"). */
export interface CapArea {
  /** areaDesc per language (pt always). */
  description: { pt: string; en?: string };
  polygons: string[];
  circles: string[];
  /** CAOP parish code (geocode valueName "CAOP"). */
  parishCode?: string;
}

export type PublicAlertState = 'IN_FORCE' | 'EXPIRED' | 'CANCELLED';

export interface PublicAlertMessageView {
  identifier: string;
  sender: string;
  /** CAP dateTime (with offset). */
  sent: string;
  msgType: CapMsgType;
  /** "sender,identifier,sent" of every earlier message, space-separated (CAP `references`). */
  references: string | null;
  issuedBy: string;
  xmlUrl: string;
}

export interface PublicAlertView {
  id: string;
  state: PublicAlertState;
  /** The identifier of the latest message. */
  identifier: string;
  msgType: CapMsgType;
  draft: AlertDraftInput;
  areas: CapArea[];
  effective: string;
  onset: string | null;
  expires: string;
  cancelledAt: string | null;
  messages: PublicAlertMessageView[];
}

/** Payload of the PUBLIC_ALERT_ISSUED / _UPDATED / _CANCELLED events (city-wide and per occurrence). */
export interface PublicAlertEventPayload {
  alertId: string;
  identifier: string;
  msgType: CapMsgType;
  severity: CapSeverity;
  urgency: CapUrgency;
  headline: { pt: string; en?: string };
  parishes: string[];
  expires: string;
}
