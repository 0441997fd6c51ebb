import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { capCircle, capPolygon, MAX_ALERT_AREA_KM2, MAX_POLYGON_POINTS, type ValidAlertDraft } from '@cgi/domain';
import type { CapArea, FieldError, LatLon } from '@cgi/shared';

export interface ResolvedArea {
  areas: CapArea[];
  /** The parishes the area covers or touches (for the live feed and the videowall). */
  parishes: string[];
}

/**
 * Tolerances (degrees, ~5 m to ~350 m) tried in order: the first that brings a parish's ring under
 * the point cap wins. ST_SimplifyPreserveTopology keeps the ring valid and closed.
 */
const TOLERANCES = [0.00005, 0.0001, 0.0002, 0.0004, 0.0008, 0.0016, 0.0032];

/**
 * A draft's area in CAP terms, from PostGIS: parishes → their CAOP polygons (exterior ring,
 * simplified to at most MAX_POLYGON_POINTS points), a drawn polygon checked for validity
 * (ST_IsValid: no self-intersection) and size, a circle as it is. Problems come back as field errors.
 */
@Injectable()
export class AlertAreaResolver {
  async resolve(m: EntityManager, draft: ValidAlertDraft, errors: FieldError[]): Promise<ResolvedArea> {
    const a = draft.area;
    const pt = draft.texts.pt.areaDescription;
    const en = draft.texts.en?.areaDescription;
    if (a.parishes) {
      const rows: Array<{ code: string; name: string; ring: string | null }> = await m.query(
        `SELECT p.code, p.name,
                (SELECT ST_AsGeoJSON(s.g, 5) FROM unnest($2::float8[]) WITH ORDINALITY AS t(tol, o)
                   CROSS JOIN LATERAL (SELECT ST_ExteriorRing(ST_SimplifyPreserveTopology(p.geom, t.tol)) AS g) s
                  WHERE ST_NPoints(s.g) <= $3 ORDER BY t.o LIMIT 1) AS ring
           FROM parishes p WHERE p.code = ANY($1::text[])`,
        [a.parishes, TOLERANCES, MAX_POLYGON_POINTS],
      );
      const byCode = new Map(rows.map((r) => [r.code, r]));
      a.parishes.forEach((code, i) => {
        if (!byCode.has(code)) errors.push({ field: `area.parishes[${i}]`, message: `unknown parish ${code}` });
        else if (!byCode.get(code)!.ring) errors.push({ field: `area.parishes[${i}]`, message: `parish ${code} cannot be simplified to ${MAX_POLYGON_POINTS} points` });
      });
      if (errors.length > 0) return { areas: [], parishes: [] };
      const areas = a.parishes.map((code) => {
        const r = byCode.get(code)!;
        const coords = (JSON.parse(r.ring!) as { coordinates: Array<[number, number]> }).coordinates;
        return { description: { pt: r.name, en: r.name }, polygons: [capPolygon(coords.map(([lo, la]) => [la, lo] as LatLon))], circles: [], parishCode: code };
      });
      return { areas, parishes: [...a.parishes] };
    }
    const geom = a.polygon
      ? { sql: `ST_GeomFromText($1::text, 4326)`, params: [`POLYGON((${a.polygon.map(([la, lo]) => `${lo} ${la}`).join(', ')}))`], field: 'area.polygon' }
      : { sql: `ST_Buffer(ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)::geography, $3::float8 * 1000)::geometry`, params: [a.circle!.lon, a.circle!.lat, a.circle!.radiusKm], field: 'area.circle' };
    const c = a.circle;
    const [row]: Array<{ valid: boolean; reason: string; km2: number; parishes: string[] }> = await m.query(
      `WITH g AS (SELECT ${geom.sql} AS g)
       SELECT ST_IsValid(g.g) AS valid, ST_IsValidReason(g.g) AS reason,
              CASE WHEN ST_IsValid(g.g) THEN ST_Area(g.g::geography) / 1e6 ELSE 0 END AS km2,
              ARRAY(SELECT p.code FROM parishes p WHERE ST_IsValid(g.g) AND ST_Intersects(p.geom, g.g) ORDER BY p.code) AS parishes
         FROM g`,
      geom.params,
    );
    if (!row.valid) errors.push({ field: geom.field, message: `not a valid polygon (self-intersecting?): ${row.reason}` });
    else if (Number(row.km2) > MAX_ALERT_AREA_KM2) errors.push({ field: geom.field, message: `${Math.round(Number(row.km2))} km² is larger than the ${MAX_ALERT_AREA_KM2} km² an alert may cover` });
    if (errors.length > 0) return { areas: [], parishes: [] };
    const description = a.polygon
      ? { pt: pt ?? 'Área delimitada', en: en ?? 'Delimited area' }
      : { pt: pt ?? `Raio de ${c!.radiusKm} km`, en: en ?? `${c!.radiusKm} km radius` };
    return {
      areas: [{ description, polygons: a.polygon ? [capPolygon(a.polygon)] : [], circles: c ? [capCircle(c)] : [] }],
      parishes: row.parishes,
    };
  }
}
