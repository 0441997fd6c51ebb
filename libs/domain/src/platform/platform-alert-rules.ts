import type { PlatformAlertRule } from '@cgi/shared';

/**
 * The Alert → category table the adapter uses while the rule set has no `assets.platformAlerts`
 * (that data is owned by the asset registry's part of issue 15 and replaces this once it lands).
 * Smart Data Models' categories/subCategories → the governance catalogue.
 */
export const PLATFORM_ALERTS_FALLBACK: readonly PlatformAlertRule[] = [
  { alertCategory: 'weather', alertSubCategory: 'flood', category: 'FLOODING', priorityBySeverity: { critical: 'P1', high: 'P2', medium: 'P3', low: 'P4', informational: 'P4' } },
  { alertCategory: 'naturalDisaster', alertSubCategory: 'flood', category: 'FLOODING', priorityBySeverity: { critical: 'P1', high: 'P2' } },
  { alertCategory: 'traffic', alertSubCategory: 'carAccident', category: 'TRAFFIC_ACCIDENT', flags: { blocksTraffic: true }, priorityBySeverity: { critical: 'P1', high: 'P2', medium: 'P3' } },
  { alertCategory: 'traffic', alertSubCategory: 'trafficJam', category: 'ROAD_OBSTRUCTION', priorityBySeverity: { critical: 'P2', high: 'P2', medium: 'P3', low: 'P4', informational: 'P4' } },
  { alertCategory: 'traffic', alertSubCategory: 'roadClosed', category: 'ROAD_OBSTRUCTION', flags: { blocksTraffic: true } },
  { alertCategory: 'traffic', alertSubCategory: 'hazardOnRoad', category: 'ROAD_OBSTRUCTION' },
  { alertCategory: 'traffic', alertSubCategory: 'pothole', category: 'ROAD_DAMAGE' },
  { alertCategory: 'environment', alertSubCategory: 'airPollution', category: 'AIR_QUALITY_ALERT', priorityBySeverity: { critical: 'P2', high: 'P3' } },
  { alertCategory: 'environment', alertSubCategory: 'waterPollution', category: 'POLLUTION_SPILL' },
  { alertCategory: 'weather', alertSubCategory: 'wind', category: 'STORM_DAMAGE', priorityBySeverity: { critical: 'P2' } },
  { alertCategory: 'weather', alertSubCategory: 'thunderstorms', category: 'STORM_DAMAGE', priorityBySeverity: { critical: 'P2' } },
  { alertCategory: 'security', alertSubCategory: 'buildingFire', category: 'FIRE_BUILDING' },
  { alertCategory: 'security', alertSubCategory: 'forestFire', category: 'FIRE_VEGETATION' },
  { alertCategory: 'security', alertSubCategory: 'civilDisorder', category: 'PUBLIC_DISORDER' },
];
