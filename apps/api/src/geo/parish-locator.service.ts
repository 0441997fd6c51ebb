import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface LocatedPoint {
  parishCode: string | null;
  parishName: string | null;
  /** Metres from the municipality when outside it, 0 inside. */
  distanceOutsideM: number;
}

/** Point-in-parish on the CAOP polygons (GiST-indexed geometry). */
@Injectable()
export class ParishLocator {
  async locate(m: EntityManager, lat: number, lon: number): Promise<LocatedPoint> {
    const rows: Array<{ code: string; name: string }> = await m.query(
      `SELECT code, name FROM parishes WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code LIMIT 1`,
      [lon, lat],
    );
    if (rows.length > 0) return { parishCode: rows[0].code, parishName: rows[0].name, distanceOutsideM: 0 };
    const [{ d }]: Array<{ d: number }> = await m.query(
      `SELECT min(ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography)) AS d FROM parishes`,
      [lon, lat],
    );
    return { parishCode: null, parishName: null, distanceOutsideM: Number(d) };
  }
}
