import { distanceMeters } from '@cgi/domain';
import type { GeoPoint, UnitStatus } from '@cgi/shared';

/**
 * How a simulated vehicle moves (pure: no clock, no I/O). The simulator keeps one `Vehicle` per
 * unit of the fleet, brings its leg in line with the unit's status as the API reports it
 * (`reconcile`) and moves it by the time elapsed since its last fix (`advance`):
 * - DISPATCHED (or ON_SCENE) → drives to its occurrence along a few waypoints at its kind's speed,
 *   then stays there;
 * - AVAILABLE after an occurrence → drives back to base at the same speed;
 * - AVAILABLE at base → idles, or patrols near base for the kinds that do rounds;
 * - UNAVAILABLE → back to base and stays.
 */
export type Leg = 'IDLE' | 'PATROL' | 'TO_SCENE' | 'ON_SCENE' | 'TO_BASE';

export interface Vehicle {
  code: string;
  position: GeoPoint;
  /** Degrees clockwise from north, [0, 360); null until the vehicle has moved. */
  headingDeg: number | null;
  /** Speed over the last step, km/h. */
  speedKmh: number;
  leg: Leg;
  /** Waypoints still ahead, the last one the destination. */
  route: GeoPoint[];
  /** The occurrence it drives to or is at. */
  occurrenceId: string | null;
  /** Seconds left to wait at a patrol stop before the next one. */
  dwellSeconds: number;
}

/** What the API says about the unit (GET /api/v1/units) and where its occurrence is. */
export interface UnitState {
  status: UnitStatus;
  occurrenceId: string | null;
  /** The occurrence's location, when the unit is on one and it is known. */
  target: GeoPoint | null;
  homeBase: GeoPoint;
}

export interface Driving {
  /** The kind's mean speed in the city (rule set `units.kinds[].meanSpeedKmh`). */
  meanSpeedKmh: number;
  /** Patrol radius around base in metres for kinds that do rounds; null: idles at base. */
  patrolRadiusMeters: number | null;
  /**
   * Places on land to patrol between (Porto's address points within the radius of the base), so
   * that rounds stay in the city (a disc around a base by the Douro is half river); none: any
   * point of the disc.
   */
  patrolStops?: readonly GeoPoint[];
}

/** Closer than this to the destination counts as there. */
export const ARRIVED_METERS = 5;

/** Initial bearing from a to b, degrees clockwise from north in [0, 360). */
export function bearingDeg(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const y = Math.sin((b.lon - a.lon) * rad) * Math.cos(b.lat * rad);
  const x = Math.cos(a.lat * rad) * Math.sin(b.lat * rad) - Math.sin(a.lat * rad) * Math.cos(b.lat * rad) * Math.cos((b.lon - a.lon) * rad);
  const deg = (Math.atan2(y, x) / rad + 360) % 360;
  return deg >= 360 ? 0 : deg;
}

/** The point `meters` from a towards b (b itself when it is closer); linear in degrees, fine at city scale. */
export function moveTowards(a: GeoPoint, b: GeoPoint, meters: number): GeoPoint {
  const d = distanceMeters(a, b);
  if (d <= meters || d === 0) return { lat: b.lat, lon: b.lon };
  const f = meters / d;
  return { lat: a.lat + (b.lat - a.lat) * f, lon: a.lon + (b.lon - a.lon) * f };
}

/** A point `meters` east and `northMeters` north of p. */
function offset(p: GeoPoint, eastMeters: number, northMeters: number): GeoPoint {
  const mPerDegLat = 111_320;
  const mPerDegLon = 111_320 * Math.cos((p.lat * Math.PI) / 180);
  return { lat: p.lat + northMeters / mPerDegLat, lon: p.lon + eastMeters / mPerDegLon };
}

/**
 * A route from a to b through two intermediate waypoints, each pushed sideways by up to 6 % of
 * the distance: a street-like path a little longer than the straight line the ETA assumes
 * (at most ≈ 3 % longer). Short hops (< 300 m) go straight.
 */
export function routeBetween(a: GeoPoint, b: GeoPoint, random: () => number): GeoPoint[] {
  const d = distanceMeters(a, b);
  if (d < 300) return [{ lat: b.lat, lon: b.lon }];
  const brg = (bearingDeg(a, b) * Math.PI) / 180;
  // Unit vector to the right of the direction of travel (east, north components).
  const side = { east: Math.cos(brg), north: -Math.sin(brg) };
  const at = (f: number): GeoPoint => {
    const push = (random() * 2 - 1) * 0.06 * d;
    const p = { lat: a.lat + (b.lat - a.lat) * f, lon: a.lon + (b.lon - a.lon) * f };
    return offset(p, side.east * push, side.north * push);
  };
  return [at(1 / 3), at(2 / 3), { lat: b.lat, lon: b.lon }];
}

/** A random patrol stop (one of `stops` when there are), else a point within `radiusMeters` of the base (uniform over the disc). */
export function patrolPoint(base: GeoPoint, radiusMeters: number, random: () => number, stops: readonly GeoPoint[] = []): GeoPoint {
  if (stops.length > 0) {
    const s = stops[Math.min(stops.length - 1, Math.floor(random() * stops.length))];
    return { lat: s.lat, lon: s.lon };
  }
  const r = radiusMeters * Math.sqrt(random());
  const t = random() * 2 * Math.PI;
  return offset(base, r * Math.cos(t), r * Math.sin(t));
}

export function newVehicle(code: string, position: GeoPoint, headingDeg: number | null = null): Vehicle {
  return { code, position: { lat: position.lat, lon: position.lon }, headingDeg, speedKmh: 0, leg: 'IDLE', route: [], occurrenceId: null, dwellSeconds: 0 };
}

const atPoint = (v: Vehicle, p: GeoPoint): boolean => distanceMeters(v.position, p) <= ARRIVED_METERS;

/**
 * A vehicle for a unit as the simulator first sees it, at its last known position (its base when
 * it has none): one away from base and on no occurrence (a previous run stopped mid-way) drives home.
 */
export function startVehicle(code: string, last: { lat: number; lon: number; headingDeg: number | null } | null, unit: UnitState, random: () => number): Vehicle {
  const v = newVehicle(code, last ?? unit.homeBase, last?.headingDeg ?? null);
  const onOccurrence = unit.status === 'DISPATCHED' || unit.status === 'ON_SCENE';
  if (!onOccurrence && !atPoint(v, unit.homeBase)) return { ...v, leg: 'TO_BASE', route: routeBetween(v.position, unit.homeBase, random) };
  return v;
}

/**
 * The vehicle's leg for the unit's status. Answers a new vehicle (the input is not changed); the
 * same object when nothing changes.
 */
export function reconcile(v: Vehicle, unit: UnitState, drive: Driving, random: () => number): Vehicle {
  const onOccurrence = unit.status === 'DISPATCHED' || unit.status === 'ON_SCENE';
  if (onOccurrence && unit.target && unit.occurrenceId) {
    if ((v.leg === 'TO_SCENE' || v.leg === 'ON_SCENE') && v.occurrenceId === unit.occurrenceId) return v;
    if (atPoint(v, unit.target)) return { ...v, leg: 'ON_SCENE', route: [], occurrenceId: unit.occurrenceId, speedKmh: 0 };
    return { ...v, leg: 'TO_SCENE', route: routeBetween(v.position, unit.target, random), occurrenceId: unit.occurrenceId, dwellSeconds: 0 };
  }
  if (onOccurrence) return v; // its occurrence's location is not known yet: keep going as it was
  // AVAILABLE or UNAVAILABLE: home, then idle or patrol (only when available).
  const home = unit.homeBase;
  if (v.leg === 'TO_SCENE' || v.leg === 'ON_SCENE') {
    if (atPoint(v, home)) return { ...v, leg: 'IDLE', route: [], occurrenceId: null, speedKmh: 0 };
    return { ...v, leg: 'TO_BASE', route: routeBetween(v.position, home, random), occurrenceId: null };
  }
  if (unit.status === 'UNAVAILABLE' && v.leg === 'PATROL') {
    return { ...v, leg: 'TO_BASE', route: routeBetween(v.position, home, random), occurrenceId: null };
  }
  if (unit.status === 'AVAILABLE' && v.leg === 'IDLE' && drive.patrolRadiusMeters !== null && v.dwellSeconds <= 0) {
    return { ...v, leg: 'PATROL', route: [patrolPoint(home, drive.patrolRadiusMeters, random, drive.patrolStops)] };
  }
  return v;
}

/** Patrols go at about half the kind's mean speed; stops between patrol points last 30–120 s. */
export const PATROL_SPEED_FACTOR = 0.5;
const PATROL_DWELL: [number, number] = [30, 120];

/**
 * Moves the vehicle along its route for `seconds` at its kind's speed (patrol: half of it).
 * Arriving ends the leg: TO_SCENE → ON_SCENE, TO_BASE → IDLE, PATROL → a stop, then the next point.
 */
export function advance(v: Vehicle, seconds: number, drive: Driving, home: GeoPoint, random: () => number): Vehicle {
  if (seconds <= 0) return v;
  if (v.route.length === 0) {
    if (v.leg === 'PATROL' && drive.patrolRadiusMeters !== null) {
      const dwell = v.dwellSeconds - seconds;
      if (dwell > 0) return { ...v, dwellSeconds: dwell, speedKmh: 0 };
      return { ...v, dwellSeconds: 0, speedKmh: 0, route: [patrolPoint(home, drive.patrolRadiusMeters, random, drive.patrolStops)] };
    }
    return v.speedKmh === 0 && v.dwellSeconds <= 0 ? v : { ...v, speedKmh: 0, dwellSeconds: Math.max(0, v.dwellSeconds - seconds) };
  }
  const speedKmh = v.leg === 'PATROL' ? drive.meanSpeedKmh * PATROL_SPEED_FACTOR : drive.meanSpeedKmh;
  let budget = (speedKmh / 3.6) * seconds;
  let position = v.position;
  let heading = v.headingDeg;
  const route = [...v.route];
  let travelled = 0;
  while (budget > 0 && route.length > 0) {
    const next = route[0];
    const d = distanceMeters(position, next);
    if (d > 0.5) heading = bearingDeg(position, next);
    if (d <= budget) {
      position = { lat: next.lat, lon: next.lon };
      route.shift();
      budget -= d;
      travelled += d;
    } else {
      position = moveTowards(position, next, budget);
      travelled += budget;
      budget = 0;
    }
  }
  const moved: Vehicle = { ...v, position, headingDeg: heading, route, speedKmh: (travelled / seconds) * 3.6 };
  if (route.length > 0) return moved;
  switch (v.leg) {
    case 'TO_SCENE':
      return { ...moved, leg: 'ON_SCENE' };
    case 'TO_BASE':
      return { ...moved, leg: 'IDLE', dwellSeconds: PATROL_DWELL[0] };
    case 'PATROL':
      return { ...moved, dwellSeconds: PATROL_DWELL[0] + random() * (PATROL_DWELL[1] - PATROL_DWELL[0]) };
    default:
      return moved;
  }
}

/** The fix a vehicle reports (the MQTT payload; with `unit` it is an HTTP batch item). */
export interface Fix {
  lat: number;
  lon: number;
  at: string;
  speedKmh: number;
  headingDeg: number | null;
}

export function fixOf(v: Vehicle, at: Date): Fix {
  const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
  const heading = v.headingDeg === null ? null : round(v.headingDeg, 1) % 360;
  return { lat: round(v.position.lat, 6), lon: round(v.position.lon, 6), at: at.toISOString(), speedKmh: round(v.speedKmh, 1), headingDeg: heading };
}

/** The stops (of `places`) within `radiusMeters` of the base. */
export function stopsNear(base: GeoPoint, radiusMeters: number, places: readonly GeoPoint[]): GeoPoint[] {
  return places.filter((p) => distanceMeters(base, p) <= radiusMeters);
}

/** Kinds that do rounds near base when available (metres), the others wait at base. */
export const PATROL_RADIUS_METERS: Record<string, number> = {
  PATROL_CAR: 1500,
  MOTORBIKE: 2000,
  SWEEPER: 600,
  WASTE_TRUCK: 900,
};
