import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Department, UnitPosition, UnitStatus } from '@cgi/shared';

/** A fix checked and resolved to its unit, ready to be written. */
export interface UnitFix {
  unitId: string;
  lat: number;
  lon: number;
  at: Date;
  speedKmh: number | null;
  headingDeg: number | null;
}

export type PositionTransport = 'http' | 'mqtt';

/** What the writer needs of a unit, read under its row lock. */
export interface LockedUnit {
  id: string;
  code: string;
  callsign: string;
  kind: string;
  department: Department;
  status: UnitStatus;
  unavailable_reason: string | null;
  version: number;
  position_at: Date | null;
  occurrence_id: string | null;
  assignment_id: string | null;
  on_scene_proposed_at: Date | null;
  occ_lat: number | null;
  occ_lon: number | null;
}

export interface UnitRef {
  id: string;
  code: string;
  department: Department;
}

const PRUNE_CHUNK = 10_000;

/** The SQL of AVL positions: the history (`unit_positions`) and the last fix on `units`. */
@Injectable()
export class UnitPositionRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Units (not retired) by code. */
  async byCodes(codes: string[]): Promise<UnitRef[]> {
    if (codes.length === 0) return [];
    return this.ds.query(`SELECT id, code, department FROM units WHERE code = ANY($1::text[]) AND retired_at IS NULL`, [codes]);
  }

  /**
   * Locks the units (in id order, so two writers never deadlock) and reads what the writer
   * decides with: the last fix, the status, and for a dispatched unit its active assignment
   * and its occurrence's location (the geofence).
   */
  lock(m: EntityManager, unitIds: string[]): Promise<LockedUnit[]> {
    return m.query(
      `SELECT u.id, u.code, u.callsign, u.kind, u.department, u.status, u.unavailable_reason, u.version, u.position_at,
              u.occurrence_id, a.id AS assignment_id, a.on_scene_proposed_at,
              ST_Y(o.location::geometry) AS occ_lat, ST_X(o.location::geometry) AS occ_lon
         FROM units u
         LEFT JOIN unit_assignments a ON a.unit_id = u.id AND a.occurrence_id = u.occurrence_id AND a.released_at IS NULL
         LEFT JOIN occurrences o ON o.id = u.occurrence_id
        WHERE u.id = ANY($1::uuid[]) AND u.retired_at IS NULL
        ORDER BY u.id
          FOR UPDATE OF u`,
      [unitIds],
    );
  }

  /**
   * One statement: the history rows of the accepted fixes (a fix already stored, same unit and
   * time, is left as it is) and the newest fix of each unit as its position (only when newer).
   */
  async store(m: EntityManager, accepted: Array<UnitFix & { transport: PositionTransport }>, newest: UnitFix[]): Promise<void> {
    if (accepted.length === 0) return;
    await m.query(
      `WITH history AS (
         INSERT INTO unit_positions (unit_id, at, position, speed_kmh, heading_deg, transport)
         SELECT f.unit_id, f.at, ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326)::geography, f.speed, f.heading, f.transport
           FROM unnest($1::uuid[], $2::timestamptz[], $3::float8[], $4::float8[], $5::real[], $6::real[], $7::text[])
                AS f(unit_id, at, lat, lon, speed, heading, transport)
         ON CONFLICT (unit_id, at) DO NOTHING
       )
       UPDATE units u
          SET position = ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326)::geography, position_at = f.at,
              speed_kmh = f.speed, heading_deg = f.heading
         FROM unnest($8::uuid[], $9::timestamptz[], $10::float8[], $11::float8[], $12::real[], $13::real[])
              AS f(unit_id, at, lat, lon, speed, heading)
        WHERE u.id = f.unit_id AND (u.position_at IS NULL OR u.position_at < f.at)`,
      [
        accepted.map((f) => f.unitId),
        accepted.map((f) => f.at.toISOString()),
        accepted.map((f) => f.lat),
        accepted.map((f) => f.lon),
        accepted.map((f) => f.speedKmh),
        accepted.map((f) => f.headingDeg),
        accepted.map((f) => f.transport),
        newest.map((f) => f.unitId),
        newest.map((f) => f.at.toISOString()),
        newest.map((f) => f.lat),
        newest.map((f) => f.lon),
        newest.map((f) => f.speedKmh),
        newest.map((f) => f.headingDeg),
      ],
    );
  }

  /** Records the geofence's proposal unless one is already there; true when this call set it. */
  async proposeOnScene(m: EntityManager, assignmentId: string, at: Date): Promise<boolean> {
    // TypeORM answers [rows, count] for an UPDATE.
    const [, count]: [unknown, number] = await m.query(
      `UPDATE unit_assignments SET on_scene_proposed_at = $2 WHERE id = $1 AND on_scene_proposed_at IS NULL AND released_at IS NULL`,
      [assignmentId, at.toISOString()],
    );
    return count > 0;
  }

  /** A unit's fixes in [from, to], oldest first; at most `limit` (the newest ones when there are more). */
  async trail(unitId: string, from: Date, to: Date, limit: number): Promise<UnitPosition[]> {
    const rows: Array<{ at: Date; lat: number; lon: number; speed_kmh: number | null; heading_deg: number | null }> = await this.ds.query(
      `SELECT at, lat, lon, speed_kmh, heading_deg FROM (
         SELECT at, ST_Y(position::geometry) AS lat, ST_X(position::geometry) AS lon, speed_kmh, heading_deg
           FROM unit_positions
          WHERE unit_id = $1 AND at >= $2 AND at <= $3
          ORDER BY at DESC
          LIMIT $4
       ) t ORDER BY at`,
      [unitId, from.toISOString(), to.toISOString(), limit],
    );
    return rows.map((r) => ({ lat: r.lat, lon: r.lon, at: new Date(r.at).toISOString(), speedKmh: r.speed_kmh, headingDeg: r.heading_deg }));
  }

  /** Deletes history older than `before`, in chunks (short transactions, no long lock). Answers the rows deleted. */
  async pruneBefore(before: Date): Promise<number> {
    let total = 0;
    for (;;) {
      // TypeORM answers [rows, count] for a DELETE.
      const [, count]: [unknown, number] = await this.ds.query(
        `DELETE FROM unit_positions WHERE ctid = ANY(ARRAY(SELECT ctid FROM unit_positions WHERE at < $1 LIMIT ${PRUNE_CHUNK}))`,
        [before.toISOString()],
      );
      total += count;
      if (count < PRUNE_CHUNK) return total;
    }
  }
}
