import type { CapMsgType, LatLon, PublicAlertState } from '@cgi/shared';
import { DomainError } from '../domain-error';

/** An earlier message of the thread, as CAP `references` names it. */
export interface SentMessageRef {
  sender: string;
  identifier: string;
  /** CAP dateTime, exactly as sent. */
  sent: string;
}

export type AlertAction = 'issue' | 'update' | 'cancel';

/** Update or cancel of a cancelled alert (HTTP 409). */
export class AlertClosedError extends DomainError {
  readonly code = 'CONFLICT' as const;

  constructor(readonly action: AlertAction) {
    super(`the alert is cancelled: it cannot be ${action === 'update' ? 'updated' : 'cancelled again'}`);
  }
}

/** The state of a thread of messages: cancelled once a Cancel was sent, else in force until it expires. */
export function alertState(cancelled: boolean, expires: Date, now: Date): PublicAlertState {
  if (cancelled) return 'CANCELLED';
  return expires > now ? 'IN_FORCE' : 'EXPIRED';
}

/**
 * issue → Alert with no references; update → Update; cancel → Cancel, both referencing every
 * earlier message of the thread (CAP 1.2 §3.2.1 `references`), oldest first. A cancelled thread
 * takes no more messages. An expired one may still be updated (re-extended) or cancelled.
 */
export function nextMessage(action: AlertAction, earlier: SentMessageRef[], cancelled: boolean): { msgType: CapMsgType; references: string | null } {
  if (action === 'issue') {
    if (earlier.length > 0) throw new Error('an issued alert starts a new thread');
    return { msgType: 'Alert', references: null };
  }
  if (cancelled) throw new AlertClosedError(action);
  if (earlier.length === 0) throw new Error('update and cancel need the issued message');
  return { msgType: action === 'update' ? 'Update' : 'Cancel', references: formatReferences(earlier) };
}

/** "sender,identifier,sent sender,identifier,sent …" */
export function formatReferences(refs: SentMessageRef[]): string {
  return refs.map((r) => `${r.sender},${r.identifier},${r.sent}`).join(' ');
}

/**
 * A stable, unique CAP identifier: `<prefix>.<year>.<serial>` (no spaces, commas or `<&`, as
 * CAP 1.2 requires). The serial comes from a database sequence, so identifiers never repeat.
 */
export function capIdentifier(prefix: string, sent: Date, serial: number | bigint): string {
  return `${prefix}.${sent.getUTCFullYear()}.${String(serial).padStart(6, '0')}`;
}

/** The identifier prefix of a sender "cgi@cm-porto.pt": "pt.cm-porto.cgi" (reversed domain, then the local part). */
export function identifierPrefix(sender: string): string {
  const [local, domain] = sender.split('@');
  const parts = (domain ?? '').split('.').filter(Boolean).reverse();
  return [...parts, local].map((p) => p.replace(/[^A-Za-z0-9-]/g, '-')).join('.');
}

/** Offset of a time zone at an instant, "+01:00" / "+00:00". */
function zoneOffset(at: Date, timeZone: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-]\d\d):?(\d\d)?/.exec(name);
  return m ? `${m[1]}:${m[2] ?? '00'}` : '+00:00';
}

/**
 * CAP 1.2 dateTime: local time of `timeZone` with its offset, whole seconds, never "Z"
 * ("2026-12-04T05:30:00+00:00", "2026-07-01T14:00:00+01:00").
 */
export function capDateTime(at: Date, timeZone = 'Europe/Lisbon'): string {
  const whole = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const offset = zoneOffset(whole, timeZone);
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  const local = new Date(whole.getTime() + sign * (h * 60 + m) * 60000);
  return `${local.toISOString().slice(0, 19)}${offset}`;
}

/** A CAP polygon: "lat,lon lat,lon …", the ring closed, coordinates to 5 decimals (~1 m). */
export function capPolygon(ring: LatLon[]): string {
  const r = ring.map(([la, lo]) => `${round5(la)},${round5(lo)}`);
  if (r[0] !== r[r.length - 1]) r.push(r[0]);
  return r.join(' ');
}

/** A CAP circle: "lat,lon radiusKm". */
export function capCircle(c: { lat: number; lon: number; radiusKm: number }): string {
  return `${round5(c.lat)},${round5(c.lon)} ${Number(c.radiusKm.toFixed(3))}`;
}

const round5 = (v: number): number => Math.round(v * 1e5) / 1e5;
