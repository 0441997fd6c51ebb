import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface LocatedPoint {
  parishCode: string | null;
  parishName: string | null;
  /** Metres from the municipality when outside it, 0 inside. */
  distanceOutsideM: number;
}

/**
 * One row per point ($1 = longitudes, $2 = latitudes, float8 arrays), in their order (`ord`, from
 * 1): the parish covering it, or no parish and the distance in metres to the municipality (0
 * inside). Other hot-path reads embed it as a CTE.
 *
 * The distance outside is the one to the nearest parish (ordered by the sphere distance `<->`,
 * then measured on the spheroid): one distance per point instead of one per parish. The planner
 * costs a subplan for every point whether or not it runs, and `min(ST_Distance)` over all
 * parishes made a batched intake read cost ~119k in its generic plan, above the server's
 * `jit_above_cost` (ADR 0015).
 */
export const LOCATE_POINTS_SQL = `
  SELECT pt.ord, p.code AS parish_code, p.name AS parish_name,
         CASE WHEN p.code IS NOT NULL THEN 0
              ELSE (SELECT ST_Distance(n.geom::geography, pt.g::geography) FROM parishes n
                     ORDER BY n.geom::geography <-> pt.g::geography LIMIT 1) END AS distance_outside_m
    FROM (SELECT ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326) AS g, x.ord
            FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS x(lon, lat, ord)) pt
    LEFT JOIN LATERAL (SELECT code, name FROM parishes WHERE ST_Covers(parishes.geom, pt.g) ORDER BY code LIMIT 1) p ON true`;

export interface LocatedRow {
  parish_code: string | null;
  parish_name: string | null;
  distance_outside_m: number | string;
}

export const toLocatedPoint = (r: LocatedRow): LocatedPoint => ({
  parishCode: r.parish_code,
  parishName: r.parish_name,
  distanceOutsideM: Number(r.distance_outside_m),
});

/** Point-in-parish on the CAOP polygons (GiST-indexed geometry). */
@Injectable()
export class ParishLocator {
  async locate(m: EntityManager, lat: number, lon: number): Promise<LocatedPoint> {
    const [row]: LocatedRow[] = await m.query(LOCATE_POINTS_SQL, [[lon], [lat]]);
    return toLocatedPoint(row);
  }
}
