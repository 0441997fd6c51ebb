import type { PositionLimits } from '@cgi/domain';
import type { GeoPoint } from '@cgi/shared';
import type { Env } from '../../config/env';

/** Porto's centre (Avenida dos Aliados): the service area of AVL fixes is a circle around it. */
export const PORTO_CENTRE: GeoPoint = { lat: 41.1579, lon: -8.6291 };

/** Where a fix may come from and how far its clock may be off, from the environment. */
export function positionLimits(env: Env): PositionLimits {
  return {
    centre: PORTO_CENTRE,
    maxDistanceKm: env.UNIT_POSITION_SERVICE_AREA_KM,
    maxClockSkewSeconds: env.UNIT_POSITION_MAX_CLOCK_SKEW_S,
    maxAgeHours: env.UNIT_POSITION_MAX_AGE_HOURS,
  };
}
