import type { Position } from 'geojson';
import type { ParishCollection } from '../map/city-map';

/** Even-odd ray casting over every ring (holes included), GeoJSON [lon, lat]. */
function inRings(rings: Position[][], lat: number, lon: number): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** The code of the parish under a point clicked on the map, or null outside the municipality. */
export function parishAt(parishes: ParishCollection | null, lat: number, lon: number): string | null {
  for (const f of parishes?.features ?? []) {
    const g = f.geometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    if (polygons.some((rings) => inRings(rings, lat, lon))) return f.properties.code;
  }
  return null;
}
