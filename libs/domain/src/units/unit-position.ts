import type { FieldError, GeoPoint, UnitKindRule, UnitRules } from '@cgi/shared';

/** Mean Earth radius (m), as PostGIS's spherical distance uses. */
const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine). */
export function distanceMeters(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Straight-line ETA in whole seconds at the kind's mean speed (at least 1 s when not there yet). */
export function etaSeconds(distanceM: number, meanSpeedKmh: number): number {
  if (distanceM <= 0) return 0;
  return Math.max(1, Math.round(distanceM / (meanSpeedKmh / 3.6)));
}

export function unitKind(rules: Pick<UnitRules, 'kinds'>, code: string): UnitKindRule | undefined {
  return rules.kinds.find((k) => k.code === code);
}

/** No fix for `staleAfterMinutes` (or none ever) as of `now`. */
export function isStale(positionAt: Date | string | null, now: Date, staleAfterMinutes: number): boolean {
  if (positionAt === null) return true;
  return now.getTime() - new Date(positionAt).getTime() > staleAfterMinutes * 60_000;
}

/** The geofence: a dispatched unit this close to its occurrence proposes ON_SCENE. */
export function withinOnSceneRadius(unit: GeoPoint, occurrence: GeoPoint, radiusMeters: number): boolean {
  return distanceMeters(unit, occurrence) <= radiusMeters;
}

/** Where a fix may come from and how far ahead of the server's clock it may be. */
export interface PositionLimits {
  /** Centre of the service area and its radius (the API's SERVICE_AREA_MAX_KM from Porto). */
  centre: GeoPoint;
  maxDistanceKm: number;
  /** Device clocks drift: a fix up to this far in the future is accepted. */
  maxClockSkewSeconds: number;
  /** Fixes older than this are not worth storing (a gateway replaying a week-old buffer). */
  maxAgeHours: number;
}

export interface CheckedPosition {
  lat: number;
  lon: number;
  at: Date;
  speedKmh: number | null;
  headingDeg: number | null;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Checks one AVL fix (the JSON of an HTTP batch item or an MQTT payload). Every problem is a
 * FieldError whose field is `prefix` + the key ("positions[3].lat"); unknown keys are errors too
 * (except `unit`, which the caller resolves). Answers the typed fix when there is none.
 */
export function checkPosition(
  raw: unknown,
  limits: PositionLimits,
  now: Date,
  prefix = '',
  allowedExtra: readonly string[] = [],
): { ok: true; position: CheckedPosition } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const f = (k: string): string => `${prefix}${k}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: prefix.replace(/\.$/, '') || 'body', message: 'must be an object' }] };
  }
  const o = raw as Record<string, unknown>;
  const known = ['lat', 'lon', 'at', 'speedKmh', 'headingDeg', ...allowedExtra];
  for (const k of Object.keys(o)) if (!known.includes(k)) errors.push({ field: f(k), message: 'is not a known field' });
  const { lat, lon, at, speedKmh, headingDeg } = o;
  if (!finite(lat) || lat < -90 || lat > 90) errors.push({ field: f('lat'), message: 'must be a latitude between -90 and 90' });
  if (!finite(lon) || lon < -180 || lon > 180) errors.push({ field: f('lon'), message: 'must be a longitude between -180 and 180' });
  let when: Date | null = null;
  if (typeof at !== 'string' || !ISO_WITH_OFFSET.test(at) || Number.isNaN(Date.parse(at))) {
    errors.push({ field: f('at'), message: 'must be an ISO 8601 date-time with an offset' });
  } else {
    when = new Date(at);
    if (when.getTime() > now.getTime() + limits.maxClockSkewSeconds * 1000) {
      errors.push({ field: f('at'), message: `must not be more than ${limits.maxClockSkewSeconds} s in the future` });
    } else if (when.getTime() < now.getTime() - limits.maxAgeHours * 3_600_000) {
      errors.push({ field: f('at'), message: `must not be older than ${limits.maxAgeHours} h` });
    }
  }
  if (speedKmh !== undefined && speedKmh !== null && (!finite(speedKmh) || speedKmh < 0 || speedKmh > 300)) {
    errors.push({ field: f('speedKmh'), message: 'must be a number from 0 to 300, or null' });
  }
  if (headingDeg !== undefined && headingDeg !== null && (!finite(headingDeg) || headingDeg < 0 || headingDeg >= 360)) {
    errors.push({ field: f('headingDeg'), message: 'must be a number from 0 to less than 360, or null' });
  }
  if (finite(lat) && finite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    const km = distanceMeters({ lat, lon }, limits.centre) / 1000;
    if (km > limits.maxDistanceKm) {
      errors.push({ field: f('lat'), message: `is ${Math.round(km)} km from Porto, outside the service area (${limits.maxDistanceKm} km)` });
    }
  }
  if (errors.length > 0 || when === null) return { ok: false, errors };
  return {
    ok: true,
    position: {
      lat: lat as number,
      lon: lon as number,
      at: when,
      speedKmh: finite(speedKmh) ? speedKmh : null,
      headingDeg: finite(headingDeg) ? headingDeg : null,
    },
  };
}

/**
 * Whether a fix replaces the unit's last one: strictly newer by the device's timestamp. An equal
 * timestamp is a duplicate (an at-least-once MQTT redelivery, an HTTP retry); an older one arrived
 * out of order and only belongs in the history.
 */
export function isNewerFix(last: Date | string | null, next: Date): boolean {
  return last === null || next.getTime() > new Date(last).getTime();
}
