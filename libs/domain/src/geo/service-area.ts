import type { FieldError, GeoPoint } from '@cgi/shared';
import { distanceMeters } from '../units/unit-position';

/** Porto's centre (Aliados): what places of the fleet and the registry are measured from. */
export const PORTO_CENTRE: GeoPoint = { lat: 41.1579, lon: -8.6291 };
/** The municipality's own radius (km) beyond which the CGI's service area (SERVICE_AREA_MAX_KM) counts. */
export const MUNICIPALITY_RADIUS_KM = 6;

/** The area a unit's base or an asset may be in: the municipality plus `serviceAreaMaxKm` around it. */
export function serviceArea(serviceAreaMaxKm: number): { center: GeoPoint; maxKm: number } {
  return { center: PORTO_CENTRE, maxKm: MUNICIPALITY_RADIUS_KM + serviceAreaMaxKm };
}

/** The error of a point outside `area`, naming `field` (none inside). */
export function outsideServiceArea(point: GeoPoint, area: { center: GeoPoint; maxKm: number }, field: string): FieldError[] {
  const km = distanceMeters(point, area.center) / 1000;
  return km > area.maxKm ? [{ field, message: `is ${Math.round(km)} km from Porto, outside the service area (${area.maxKm} km)` }] : [];
}
