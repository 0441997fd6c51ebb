import { formatReference, parseReference } from './reference';

describe('formatReference', () => {
  it.each<[number, number, string]>([
    [2026, 123, 'OC-2026-000123'],
    [2026, 1, 'OC-2026-000001'],
    [2027, 999_999, 'OC-2027-999999'],
    [2026, 1_234_567, 'OC-2026-1234567'],
  ])('(%i, %i) → %s', (year, sequence, expected) => {
    expect(formatReference(year, sequence)).toBe(expected);
  });

  it.each<[number, number]>([
    [26, 1],
    [2026.5, 1],
    [2026, 0],
    [2026, -3],
    [2026, 1.5],
    [2026, Number.NaN],
  ])('rejects (%p, %p)', (year, sequence) => {
    expect(() => formatReference(year, sequence)).toThrow(RangeError);
  });
});

describe('parseReference', () => {
  it.each<[string, { year: number; sequence: number }]>([
    ['OC-2026-000123', { year: 2026, sequence: 123 }],
    ['OC-2026-1234567', { year: 2026, sequence: 1_234_567 }],
    [' oc-2026-000001 ', { year: 2026, sequence: 1 }],
  ])('%s', (value, expected) => {
    expect(parseReference(value)).toEqual(expected);
  });

  it.each(['', 'OC-2026-123', 'OC-2026-0001234', 'OC-2026-000000', 'XX-2026-000123', 'OC-26-000123', 'OC-2026-000123x', 'OC-2026-00012a'])(
    'rejects "%s"',
    (value) => {
      expect(parseReference(value)).toBeNull();
    },
  );

  it('round-trips', () => {
    for (const sequence of [1, 42, 999_999, 1_000_000, 98_765_432]) {
      const reference = formatReference(2026, sequence);
      expect(parseReference(reference)).toEqual({ year: 2026, sequence });
    }
  });
});
