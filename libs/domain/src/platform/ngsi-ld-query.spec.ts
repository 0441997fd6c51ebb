import { parseGeo, parsePaging, parseQ, QueryParamError } from './ngsi-ld-query';

const paramOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof QueryParamError) return err.param;
    throw err;
  }
  throw new Error('did not throw');
};

describe('parseQ', () => {
  it('parses AND-ed terms with lists, ranges, compound members and typed values', () => {
    expect(parseQ('category=="weather";data[status]=="NEW","TRIAGED";dateIssued==2026-01-01T00:00:00Z..2026-02-01T00:00:00Z;data[open]==true')).toEqual([
      { attribute: 'category', op: '==', values: ['weather'] },
      { attribute: 'data.status', op: '==', values: ['NEW', 'TRIAGED'] },
      { attribute: 'dateIssued', op: '==', values: [], range: ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'] },
      { attribute: 'data.open', op: '==', values: [true] },
    ]);
    expect(parseQ('name=="a;b"')).toEqual([{ attribute: 'name', op: '==', values: ['a;b'] }]);
  });

  it.each(['category==weather', 'temperature>3', 'category=="a"|category=="b"', '(category=="a")', 'category', 'name=="x', 'category>"a","b"'])('refuses %s naming q', (q) => {
    expect(paramOf(() => parseQ(q))).toBe('q');
  });
});

describe('parseGeo', () => {
  it('takes near with max and min distances around a point', () => {
    expect(parseGeo('near;maxDistance==2000;minDistance==10', 'Point', '[-8.6,41.15]')).toEqual({ lon: -8.6, lat: 41.15, maxDistance: 2000, minDistance: 10 });
    expect(parseGeo(undefined, undefined, undefined)).toBeNull();
  });

  type GeoArgs = [string | undefined, string | undefined, string | undefined];
  const cases: Array<[GeoArgs, string]> = [
    [['within', 'Polygon', '[[[0,0]]]'], 'georel'],
    [['near', 'Point', '[0,0]'], 'georel'],
    [['near;maxDistance==1', 'LineString', '[0,0]'], 'geometry'],
    [['near;maxDistance==1', 'Point', '[0]'], 'coordinates'],
    [['near;maxDistance==1', 'Point', undefined], 'coordinates'],
    [[undefined, 'Point', '[0,0]'], 'georel'],
  ];
  it.each(cases)('refuses %j naming %s', (args, param) => {
    expect(paramOf(() => parseGeo(...args))).toBe(param);
  });
});

describe('parsePaging', () => {
  it('defaults to 20 from 0 and bounds both', () => {
    expect(parsePaging(undefined, undefined)).toEqual({ limit: 20, offset: 0 });
    expect(paramOf(() => parsePaging('0', undefined))).toBe('limit');
    expect(paramOf(() => parsePaging('10', '1.5'))).toBe('offset');
  });
});
