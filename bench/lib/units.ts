import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DEFAULT_UNIT_RULES } from '@cgi/domain';
import type { Department } from '@cgi/shared';
import { ROOT } from './stack';

export const DEPARTMENTS: Department[] = ['FIRE', 'POLICE', 'CIVIL_PROTECTION', 'MOBILITY', 'ENVIRONMENT'];

export const addresses = readFileSync(join(ROOT, 'data/porto/addresses.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
  const v = l.split(',');
  return { address: `${v[0]} ${v[1]}`, lat: Number(v[3]), lon: Number(v[4]) };
});

export interface BenchUnit {
  id: string;
  code: string;
  department: Department;
  lat: number;
  lon: number;
  heading: number;
}

/**
 * `n` synthetic units over the five departments (kinds their department may own), bases at Porto's
 * address points, AVAILABLE, with a fix a minute old somewhere in the city (spread evenly over
 * Porto's box, so that they are not all on the few streets the address sample has).
 */
export async function seedUnits(url: string, n: number): Promise<BenchUnit[]> {
  let seed = 20261204;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const kinds = (d: Department): string[] => DEFAULT_UNIT_RULES.kinds.filter((k) => k.departments.includes(d)).map((k) => k.code);
  const rows = Array.from({ length: n }, (_, i) => {
    const department = DEPARTMENTS[i % DEPARTMENTS.length];
    const a = addresses[(i * 7919) % addresses.length];
    const ks = kinds(department);
    const at = { lat: BOX.south + random() * (BOX.north - BOX.south), lon: BOX.west + random() * (BOX.east - BOX.west) };
    return { code: `BENCH-${String(i).padStart(4, '0')}`, callsign: `BENCH ${String(i).padStart(4, '0')}`, department, kind: ks[i % ks.length], ...a, at };
  });
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows: ids } = await c.query<{ id: string; code: string }>(
      `INSERT INTO units (code, callsign, department, kind, home_base, home_base_address, position, position_at, speed_kmh, heading_deg, synthetic)
       SELECT code, callsign, department, kind, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, address,
              ST_SetSRID(ST_MakePoint(at_lon, at_lat), 4326)::geography, now() - interval '1 minute', 0, 0, true
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::float8[], $9::float8[])
              AS t(code, callsign, department, kind, lat, lon, address, at_lat, at_lon)
       RETURNING id, code`,
      [rows.map((r) => r.code), rows.map((r) => r.callsign), rows.map((r) => r.department), rows.map((r) => r.kind), rows.map((r) => r.lat), rows.map((r) => r.lon), rows.map((r) => r.address), rows.map((r) => r.at.lat), rows.map((r) => r.at.lon)],
    );
    const byCode = new Map(ids.map((r) => [r.code, r.id]));
    return rows.map((r, i) => ({ id: byCode.get(r.code)!, code: r.code, department: r.department, lat: r.at.lat, lon: r.at.lon, heading: (i * 37) % 360 }));
  } finally {
    await c.end();
  }
}

/** Porto, roughly: where the synthetic units drive. */
const BOX = { south: 41.142, north: 41.182, west: -8.685, east: -8.56 };

/** One fix's worth of driving: `meters` ahead, turning a little, bouncing off Porto's box. */
export function drive(u: BenchUnit, meters: number, k: number): void {
  u.heading = (u.heading + Math.sin(u.lat * 1e4 + k) * 25 + 360) % 360;
  u.lat += (meters * Math.cos((u.heading * Math.PI) / 180)) / 111_320;
  u.lon += (meters * Math.sin((u.heading * Math.PI) / 180)) / (111_320 * Math.cos((u.lat * Math.PI) / 180));
  if (u.lat < BOX.south || u.lat > BOX.north || u.lon < BOX.west || u.lon > BOX.east) {
    u.heading = (u.heading + 180) % 360;
    u.lat = Math.min(BOX.north, Math.max(BOX.south, u.lat));
    u.lon = Math.min(BOX.east, Math.max(BOX.west, u.lon));
  }
}

/** The fix of a unit as an AVL client sends it (6 decimals, whole degrees). */
export function fixOf(u: BenchUnit, atMs: number, speedKmh = 40): { lat: number; lon: number; at: string; speedKmh: number; headingDeg: number } {
  const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
  return { lat: r6(u.lat), lon: r6(u.lon), at: new Date(atMs).toISOString(), speedKmh, headingDeg: Math.round(u.heading) % 360 };
}
