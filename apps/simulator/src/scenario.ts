import type { OccurrenceSource } from '@cgi/shared';

/** A simulated day or storm: what arrives, from whom, where, and how departments react. */
export interface Scenario {
  name: 'day' | 'storm';
  /** Occurrences per hour across the city. */
  ratePerHour: number;
  /** Share of each source. */
  /** Shares of the REST sources (the Urban Platform's alerts come as NGSI-LD notifications, not from the simulator). */
  sources: Record<Exclude<OccurrenceSource, 'PLATFORM'>, number>;
  /** Category weights. */
  categories: Record<string, number>;
  /** Parish weights by INE code (the rest share what is left). */
  parishBias: Record<string, number>;
  /** Share of citizen reports that repeat a recent one nearby (duplicates). */
  duplicateShare: number;
  /** Share of assignments nobody acknowledges (so escalations happen). */
  neverAcknowledge: number;
  /** Acknowledge / on-scene / resolve delays in seconds: [min, max]. */
  delays: { acknowledge: [number, number]; onScene: [number, number]; resolve: [number, number] };
}

export const SCENARIOS: Record<Scenario['name'], Scenario> = {
  day: {
    name: 'day',
    ratePerHour: 300,
    sources: { OPERATOR: 0.35, CITIZEN: 0.5, SENSOR: 0.15 },
    categories: {
      WASTE_OVERFLOW: 8, ILLEGAL_PARKING: 8, NOISE: 6, ROAD_DAMAGE: 5, STREET_CLEANING: 5, TRAFFIC_LIGHT_FAULT: 4,
      TRAFFIC_ACCIDENT: 4, ROAD_OBSTRUCTION: 3, FALLEN_TREE: 2, VANDALISM: 3, ILLEGAL_DUMPING: 3, ABANDONED_VEHICLE: 2,
      SIGNAGE_DAMAGE: 2, BOLLARD_FAULT: 2, DEAD_ANIMAL: 1, PUBLIC_DISORDER: 2, FIRE_VEHICLE: 1, FIRE_BUILDING: 1,
      GAS_LEAK: 1, AIR_QUALITY_ALERT: 1, FLOODING: 1, OTHER: 1,
    },
    parishBias: {},
    duplicateShare: 0.15,
    neverAcknowledge: 0.08,
    delays: { acknowledge: [5, 90], onScene: [20, 240], resolve: [60, 600] },
  },
  storm: {
    name: 'storm',
    ratePerHour: 200,
    sources: { OPERATOR: 0.3, CITIZEN: 0.5, SENSOR: 0.2 },
    categories: {
      FLOODING: 10, FALLEN_TREE: 10, STORM_DAMAGE: 8, LANDSLIDE: 3, STRUCTURE_RISK: 3, ROAD_OBSTRUCTION: 5,
      TRAFFIC_LIGHT_FAULT: 4, TRAFFIC_ACCIDENT: 3, WASTE_OVERFLOW: 2, OTHER: 1,
    },
    // Campanhã (131203) takes the brunt, as in journey 4.
    parishBias: { '131203': 0.45 },
    duplicateShare: 0.3,
    neverAcknowledge: 0.12,
    delays: { acknowledge: [10, 180], onScene: [60, 420], resolve: [300, 1200] },
  },
};

/** A small seeded PRNG (mulberry32) so a run can be repeated with --seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function weighted<K extends string>(weights: Record<K, number>, r: number): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [k, w] of entries) {
    x -= w;
    if (x < 0) return k;
  }
  return entries[entries.length - 1][0];
}

export const between = ([min, max]: [number, number], r: number): number => min + (max - min) * r;

/** Exponential inter-arrival time in ms for a Poisson process of `perHour` arrivals. */
export const interArrivalMs = (perHour: number, r: number): number => (-Math.log(1 - r) * 3_600_000) / perHour;
