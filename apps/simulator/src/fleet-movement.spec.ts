import { distanceMeters } from '@cgi/domain';
import {
  advance,
  ARRIVED_METERS,
  bearingDeg,
  fixOf,
  moveTowards,
  newVehicle,
  patrolPoint,
  reconcile,
  routeBetween,
  startVehicle,
  stopsNear,
  type Driving,
  type UnitState,
  type Vehicle,
} from './fleet-movement';
import { rng } from './scenario';

const BASE = { lat: 41.1496, lon: -8.6109 }; // Aliados
const SCENE = { lat: 41.1579, lon: -8.6291 }; // Boavista, ≈ 1.8 km away
const ENGINE: Driving = { meanSpeedKmh: 36, patrolRadiusMeters: null }; // 10 m/s
const PATROL: Driving = { meanSpeedKmh: 40, patrolRadiusMeters: 1500 };

const available: UnitState = { status: 'AVAILABLE', occurrenceId: null, target: null, homeBase: BASE };
const dispatched: UnitState = { status: 'DISPATCHED', occurrenceId: 'occ-1', target: SCENE, homeBase: BASE };

/** Fixes every `step` seconds until `until` says stop (or `max` fixes). */
function drive(v: Vehicle, unit: UnitState, d: Driving, step: number, max: number, random = rng(1)): Vehicle[] {
  const out: Vehicle[] = [];
  let cur = reconcile(v, unit, d, random);
  for (let i = 0; i < max; i++) {
    cur = reconcile(advance(cur, step, d, unit.homeBase, random), unit, d, random);
    out.push(cur);
  }
  return out;
}

describe('fleet movement', () => {
  it('bearing: north is 0°, east 90°, south 180°, west 270°', () => {
    expect(bearingDeg(BASE, { lat: BASE.lat + 0.01, lon: BASE.lon })).toBeCloseTo(0, 3);
    expect(bearingDeg(BASE, { lat: BASE.lat, lon: BASE.lon + 0.01 })).toBeCloseTo(90, 1);
    expect(bearingDeg(BASE, { lat: BASE.lat - 0.01, lon: BASE.lon })).toBeCloseTo(180, 3);
    expect(bearingDeg(BASE, { lat: BASE.lat, lon: BASE.lon - 0.01 })).toBeCloseTo(270, 1);
  });

  it('moves the asked distance towards the target, and never past it', () => {
    const p = moveTowards(BASE, SCENE, 100);
    expect(distanceMeters(BASE, p)).toBeCloseTo(100, 0);
    expect(distanceMeters(p, SCENE)).toBeCloseTo(distanceMeters(BASE, SCENE) - 100, 0);
    expect(moveTowards(BASE, SCENE, 1e6)).toEqual(SCENE);
  });

  it('routes through two waypoints a little off the straight line, ending at the destination', () => {
    const random = rng(9);
    for (let i = 0; i < 50; i++) {
      const r = routeBetween(BASE, SCENE, random);
      expect(r).toHaveLength(3);
      expect(r[2]).toEqual(SCENE);
      const length = distanceMeters(BASE, r[0]) + distanceMeters(r[0], r[1]) + distanceMeters(r[1], SCENE);
      expect(length / distanceMeters(BASE, SCENE)).toBeLessThan(1.035);
    }
    expect(routeBetween(BASE, moveTowards(BASE, SCENE, 200), random)).toHaveLength(1);
  });

  it('a dispatched unit drives to its occurrence at its kind\'s speed, then stays on scene', () => {
    const fixes = drive(newVehicle('BSB-VUCI-01', BASE), dispatched, ENGINE, 5, 100);
    // 10 m/s × 5 s = 50 m per fix along the route.
    const steps = fixes.slice(0, 10).map((f, i) => distanceMeters(i === 0 ? BASE : fixes[i - 1].position, f.position));
    for (const s of steps) expect(s).toBeLessThanOrEqual(50.01);
    expect(fixes[0].speedKmh).toBeCloseTo(36, 5);
    const arrived = fixes.findIndex((f) => f.leg === 'ON_SCENE');
    const straight = distanceMeters(BASE, SCENE);
    // The route is at most 5 % longer than the straight line (the ETA the proposal showed).
    expect(arrived).toBeGreaterThanOrEqual(Math.floor(straight / 50) - 1);
    expect(arrived).toBeLessThanOrEqual(Math.ceil((straight * 1.05) / 50));
    expect(distanceMeters(fixes[arrived].position, SCENE)).toBeLessThan(ARRIVED_METERS);
    const after = fixes.slice(arrived + 1);
    expect(after.every((f) => f.leg === 'ON_SCENE' && f.speedKmh === 0 && distanceMeters(f.position, SCENE) < ARRIVED_METERS)).toBe(true);
    expect(after.every((f) => f.headingDeg === fixes[arrived].headingDeg)).toBe(true);
  });

  it('heads roughly towards the occurrence while driving', () => {
    const fixes = drive(newVehicle('X', BASE), dispatched, ENGINE, 5, 10);
    const direct = bearingDeg(BASE, SCENE);
    for (const f of fixes) expect(Math.abs(((f.headingDeg! - direct + 540) % 360) - 180)).toBeLessThan(30);
  });

  it('released, it drives back to base and idles there', () => {
    const atScene: Vehicle = { ...newVehicle('X', SCENE), leg: 'ON_SCENE', occurrenceId: 'occ-1' };
    const back = reconcile(atScene, available, ENGINE, rng(2));
    expect(back.leg).toBe('TO_BASE');
    const fixes = drive(back, available, ENGINE, 5, 100);
    const home = fixes.findIndex((f) => f.leg === 'IDLE');
    expect(home).toBeGreaterThan(0);
    expect(distanceMeters(fixes[home].position, BASE)).toBeLessThan(ARRIVED_METERS);
    expect(fixes.slice(home).every((f) => f.leg === 'IDLE' && distanceMeters(f.position, BASE) < ARRIVED_METERS)).toBe(true);
  });

  it('an available patrol car patrols within its radius of base, at about half its speed, with stops', () => {
    const fixes = drive(newVehicle('PM-12', BASE), available, PATROL, 5, 2000, rng(5));
    expect(fixes.some((f) => f.leg === 'PATROL' && f.speedKmh > 0)).toBe(true);
    expect(Math.max(...fixes.map((f) => distanceMeters(f.position, BASE)))).toBeLessThanOrEqual(1500 + 1);
    expect(Math.max(...fixes.map((f) => f.speedKmh))).toBeLessThanOrEqual(20.01);
    expect(fixes.filter((f) => f.speedKmh === 0).length).toBeGreaterThan(100);
  });

  it('patrol points stay inside the disc', () => {
    const random = rng(4);
    for (let i = 0; i < 1000; i++) expect(distanceMeters(BASE, patrolPoint(BASE, 800, random))).toBeLessThanOrEqual(801);
  });

  it('patrols between the given stops (places on land) when it has some', () => {
    const places = [{ lat: 41.15, lon: -8.61 }, { lat: 41.152, lon: -8.615 }, { lat: 41.2, lon: -8.7 }];
    const stops = stopsNear(BASE, 1500, places);
    expect(stops).toHaveLength(2);
    const fixes = drive(newVehicle('PM-12', BASE), available, { ...PATROL, patrolStops: stops }, 5, 2000, rng(6));
    const stopsReached = fixes.filter((f) => f.leg === 'PATROL' && f.route.length === 0 && f.dwellSeconds > 0);
    expect(stopsReached.length).toBeGreaterThan(3);
    for (const f of stopsReached) expect(stops.some((st) => distanceMeters(st, f.position) < 1)).toBe(true);
  });

  it('a patrolling unit dispatched drops its patrol and drives to the occurrence', () => {
    const patrolling = reconcile(newVehicle('PM-12', BASE), available, PATROL, rng(3));
    expect(patrolling.leg).toBe('PATROL');
    const sent = reconcile(patrolling, dispatched, PATROL, rng(3));
    expect(sent.leg).toBe('TO_SCENE');
    expect(sent.route.at(-1)).toEqual(SCENE);
  });

  it('re-dispatched to another occurrence, it changes course; unavailable, it goes home and stays', () => {
    const onScene: Vehicle = { ...newVehicle('X', SCENE), leg: 'ON_SCENE', occurrenceId: 'occ-1' };
    const other = { lat: 41.14, lon: -8.6 };
    const next = reconcile(onScene, { ...dispatched, occurrenceId: 'occ-2', target: other }, ENGINE, rng(1));
    expect(next.leg).toBe('TO_SCENE');
    expect(next.occurrenceId).toBe('occ-2');
    const off = reconcile({ ...newVehicle('PM-1', SCENE), leg: 'PATROL', route: [SCENE] }, { ...available, status: 'UNAVAILABLE' }, PATROL, rng(1));
    expect(off.leg).toBe('TO_BASE');
    const fixes = drive(off, { ...available, status: 'UNAVAILABLE' }, PATROL, 5, 200);
    expect(fixes.at(-1)!.leg).toBe('IDLE');
    expect(fixes.slice(-20).every((f) => f.speedKmh === 0)).toBe(true);
  });

  it('keeps going when its occurrence\'s location is not known yet, and does not change what it is given', () => {
    const v = newVehicle('X', BASE);
    const frozen = JSON.stringify(v);
    expect(reconcile(v, { ...dispatched, target: null }, ENGINE, rng(1))).toBe(v);
    advance(reconcile(v, dispatched, ENGINE, rng(1)), 5, ENGINE, BASE, rng(1));
    expect(JSON.stringify(v)).toBe(frozen);
  });

  it('starts at the last known position (else at base); away from base and free, it heads home', () => {
    expect(startVehicle('X', null, available, rng(1))).toMatchObject({ leg: 'IDLE', position: BASE });
    expect(startVehicle('X', { ...SCENE, headingDeg: 90 }, available, rng(1))).toMatchObject({ leg: 'TO_BASE', headingDeg: 90, position: SCENE });
    expect(startVehicle('X', { ...SCENE, headingDeg: null }, dispatched, rng(1)).leg).toBe('IDLE');
    const v = reconcile(startVehicle('X', { ...SCENE, headingDeg: null }, dispatched, rng(1)), dispatched, ENGINE, rng(1));
    expect(v.leg).toBe('ON_SCENE');
  });

  it('reports fixes the AVL checks accept: ISO time, rounded coordinates, heading in [0, 360)', () => {
    const at = new Date('2026-12-04T01:00:00.000Z');
    const f = fixOf({ ...newVehicle('X', { lat: 41.123456789, lon: -8.6123456789 }, 359.99), speedKmh: 35.55 }, at);
    expect(f).toEqual({ lat: 41.123457, lon: -8.612346, at: '2026-12-04T01:00:00.000Z', speedKmh: 35.6, headingDeg: 0 });
    expect(fixOf(newVehicle('X', BASE), at).headingDeg).toBeNull();
  });
});
