import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface LocatedPoint {
  parishCode: string | null;
  parishName: string | null;
  /** Metres from the municipality when outside it, 0 inside. */
  distanceOutsideM: number;
}

/**
 * One row for the point ($1 = lon, $2 = lat): the parish covering it, or no parish and the
 * distance in metres to the municipality (0 inside). Other hot-path reads embed it as a CTE.
 */
export const LOCATE_POINT_SQL = `
  WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g),
       p AS (SELECT code, name FROM parishes, pt WHERE ST_Covers(parishes.geom, pt.g) ORDER BY code LIMIT 1)
  SELECT (SELECT code FROM p) AS parish_code, (SELECT name FROM p) AS parish_name,
         CASE WHEN EXISTS (SELECT 1 FROM p) THEN 0
              ELSE (SELECT min(ST_Distance(parishes.geom::geography, pt.g::geography)) FROM parishes, pt) END AS distance_outside_m`;

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
    const [row]: LocatedRow[] = await m.query(LOCATE_POINT_SQL, [lon, lat]);
    return toLocatedPoint(row);
  }
}
