import type { AssetFaultRule, AssetKind, AssetRules, CategoryRule, PlatformAlertRule } from '@cgi/shared';

/**
 * Assets and the Urban Platform as seeded (issue 15, ADR 0026): rule-set data, changed by
 * publishing a rule set, never by code.
 */

/**
 * The categories the asset registry adds to governance.md §3 (the others it maps to are there):
 * a camera of the videowall, and a sensor of the city's monitoring networks, that stop working.
 * Mobility leads camera faults: the CGI watches through the cameras but is not a field department
 * (it triages and coordinates, nobody of it acknowledges or repairs), and the cameras share the
 * traffic-control network Mobility runs with its 154 traffic lights. Sensor faults go to
 * Environment (air quality, noise, weather), with Civil Protection beside it (flood levels).
 */
export const ASSET_CATEGORIES: ReadonlyArray<Pick<CategoryRule, 'code' | 'name' | 'lead' | 'support' | 'defaultPriority'> & { nameEn: string }> = [
  { code: 'CAMERA_FAULT', name: 'Avaria de câmara de videovigilância', nameEn: 'Camera fault', lead: 'MOBILITY', support: [], defaultPriority: 'P3' },
  { code: 'SENSOR_FAULT', name: 'Avaria de sensor urbano', nameEn: 'Sensor fault', lead: 'ENVIRONMENT', support: ['CIVIL_PROTECTION'], defaultPriority: 'P3' },
];

const FAULT_CATEGORY: Record<AssetKind, string> = {
  CAMERA: 'CAMERA_FAULT',
  TRAFFIC_LIGHT: 'TRAFFIC_LIGHT_FAULT',
  BOLLARD: 'BOLLARD_FAULT',
  FLOOD_SENSOR: 'SENSOR_FAULT',
  AIR_QUALITY_SENSOR: 'SENSOR_FAULT',
  NOISE_SENSOR: 'SENSOR_FAULT',
  WEATHER_STATION: 'SENSOR_FAULT',
};

/** Every kind: a FAULT and an OFFLINE (not reachable) each open the kind's fault category. */
const FAULTS: AssetFaultRule[] = (Object.entries(FAULT_CATEGORY) as Array<[AssetKind, string]>).flatMap(([kind, category]) => [
  { kind, status: 'FAULT' as const, category },
  { kind, status: 'OFFLINE' as const, category },
]);

/** Severity → priority for alerts of life-or-property risk, and for routine ones. */
const URGENT = { informational: 'P3', low: 'P3', medium: 'P2', high: 'P2', critical: 'P1' } as const;
const ROUTINE = { informational: 'P4', low: 'P4', medium: 'P3', high: 'P2', critical: 'P2' } as const;

function alert(alertCategory: string, alertSubCategory: string, category: string, extra: Partial<PlatformAlertRule> = {}): PlatformAlertRule {
  return { alertCategory, alertSubCategory, category, ...extra };
}

/**
 * smart-data-models/dataModel.Alert category/subCategory → the governance catalogue. An Alert
 * with no row here is taken as OTHER, for CGI triage (health alerts among them: INEM's).
 */
const PLATFORM_ALERTS: PlatformAlertRule[] = [
  alert('weather', 'flood', 'FLOODING', { priorityBySeverity: { ...URGENT } }),
  alert('naturalDisaster', 'flood', 'FLOODING', { priorityBySeverity: { ...URGENT } }),
  alert('weather', 'floodRisk', 'FLOODING', { priorityBySeverity: { ...ROUTINE } }),
  alert('weather', 'wind', 'STORM_DAMAGE', { priorityBySeverity: { ...ROUTINE } }),
  alert('weather', 'thunderstorms', 'STORM_DAMAGE', { priorityBySeverity: { ...ROUTINE } }),
  alert('weather', 'tornado', 'STORM_DAMAGE', { priorityBySeverity: { ...URGENT } }),
  alert('weather', 'hurricane', 'STORM_DAMAGE', { priorityBySeverity: { ...URGENT } }),
  alert('weather', 'tropicalCyclone', 'STORM_DAMAGE', { priorityBySeverity: { ...URGENT } }),
  alert('naturalDisaster', 'earthquake', 'STRUCTURE_RISK', { priorityBySeverity: { ...URGENT } }),
  alert('naturalDisaster', 'forestFire', 'FIRE_VEGETATION'),
  alert('security', 'forestFire', 'FIRE_VEGETATION'),
  alert('security', 'buildingFire', 'FIRE_BUILDING'),
  alert('security', 'civilDisorder', 'PUBLIC_DISORDER'),
  alert('security', 'assault', 'PUBLIC_DISORDER', { flags: { injuries: true } }),
  alert('security', 'robbery', 'PUBLIC_DISORDER'),
  alert('security', 'suspiciousAction', 'PUBLIC_DISORDER', { priorityBySeverity: { ...ROUTINE } }),
  alert('traffic', 'carAccident', 'TRAFFIC_ACCIDENT', { priorityBySeverity: { ...URGENT } }),
  alert('traffic', 'injuredBiker', 'TRAFFIC_ACCIDENT', { flags: { injuries: true } }),
  alert('traffic', 'trafficJam', 'ROAD_OBSTRUCTION', { priorityBySeverity: { ...ROUTINE } }),
  alert('traffic', 'roadClosed', 'ROAD_OBSTRUCTION', { flags: { blocksTraffic: true } }),
  alert('traffic', 'carStopped', 'ROAD_OBSTRUCTION', { priorityBySeverity: { ...ROUTINE } }),
  alert('traffic', 'carWrongDirection', 'ROAD_OBSTRUCTION', { priorityBySeverity: { ...URGENT } }),
  alert('traffic', 'hazardOnRoad', 'ROAD_OBSTRUCTION'),
  alert('traffic', 'pedestrianOnRoad', 'ROAD_OBSTRUCTION', { priorityBySeverity: { ...URGENT } }),
  alert('traffic', 'roadWorks', 'ROAD_OBSTRUCTION', { priorityBySeverity: { ...ROUTINE } }),
  alert('traffic', 'pothole', 'ROAD_DAMAGE'),
  alert('environment', 'airPollution', 'AIR_QUALITY_ALERT', { priorityBySeverity: { ...ROUTINE } }),
  alert('environment', 'waterPollution', 'POLLUTION_SPILL'),
];

export const DEFAULT_ASSET_RULES: AssetRules = {
  faults: FAULTS,
  platformAlerts: PLATFORM_ALERTS,
  nearbyRadiusMeters: 300,
};
