import { describe, expect, it } from 'vitest';
import type { ParishCollection } from '../map/city-map';
import { parishAt } from './parish-at';

const square = (code: string, x0: number, y0: number, hole = false) => ({
  type: 'Feature' as const,
  properties: { code, name: code, shortName: code },
  geometry: {
    type: 'Polygon' as const,
    coordinates: [
      [[x0, y0], [x0 + 1, y0], [x0 + 1, y0 + 1], [x0, y0 + 1], [x0, y0]],
      ...(hole ? [[[x0 + 0.4, y0 + 0.4], [x0 + 0.6, y0 + 0.4], [x0 + 0.6, y0 + 0.6], [x0 + 0.4, y0 + 0.6], [x0 + 0.4, y0 + 0.4]]] : []),
    ],
  },
});

describe('parishAt', () => {
  const parishes = { type: 'FeatureCollection', features: [square('A', 0, 0, true), square('B', 1, 0)] } as unknown as ParishCollection;
  it('finds the parish under a point, not in its hole, nothing outside', () => {
    expect(parishAt(parishes, 0.2, 0.2)).toBe('A');
    expect(parishAt(parishes, 0.5, 1.5)).toBe('B');
    expect(parishAt(parishes, 0.5, 0.5)).toBeNull();
    expect(parishAt(parishes, 5, 5)).toBeNull();
    expect(parishAt(null, 0.2, 0.2)).toBeNull();
  });
});
