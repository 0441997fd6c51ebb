import { IMPORT_MAX_ROWS, parseAssetCsv, parseAssetGeoJson, parseCsv } from './asset-import';

const area = { center: { lat: 41.1579, lon: -8.6291 }, maxKm: 16 };
const point = (code: string, kind: string, props: Record<string, unknown> = {}, coordinates: unknown = [-8.6291, 41.1579]) => ({
  type: 'Feature', geometry: { type: 'Point', coordinates }, properties: { code, kind, name: `n ${code}`, department: 'MOBILITY', ...props },
});
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
const fields = (r: ReturnType<typeof parseAssetCsv>): string[] => (r.ok ? [] : r.errors.map((e) => e.field));

describe('parseAssetGeoJson', () => {
  it('reads Point features: coordinates [lon, lat], camera fields for cameras only', () => {
    const r = parseAssetGeoJson(fc(point('CAM-1', 'CAMERA', { snapshotUrl: 'https://x.example/1.jpg', directionDeg: 90, synthetic: true }), point('SEM-1', 'traffic_light')), area);
    expect(r).toEqual({
      ok: true,
      rows: [
        { code: 'CAM-1', kind: 'CAMERA', name: 'n CAM-1', department: 'MOBILITY', location: { lat: 41.1579, lon: -8.6291 }, address: null, camera: { snapshotUrl: 'https://x.example/1.jpg', streamUrl: null, directionDeg: 90 }, synthetic: true },
        { code: 'SEM-1', kind: 'TRAFFIC_LIGHT', name: 'n SEM-1', department: 'MOBILITY', location: { lat: 41.1579, lon: -8.6291 }, address: null, camera: null, synthetic: false },
      ],
    });
  });

  it('names every bad row and field, zero-based', () => {
    const r = parseAssetGeoJson(fc(
      point('OK-1', 'BOLLARD'),
      point('bad code', 'BOLLARD'),
      point('SEM-2', 'LAMP', { department: 'X', name: '' }),
      point('SEM-3', 'BOLLARD', { streamUrl: 'rtsp://x/1' }),
      point('CAM-2', 'CAMERA', { snapshotUrl: 'ftp://x/1.jpg', directionDeg: 360 }),
      point('SEM-4', 'BOLLARD', {}, [-9.14, 38.72]),
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [] }, properties: { code: 'L-1', kind: 'BOLLARD', name: 'l', department: 'MOBILITY' } },
      point('OK-1', 'BOLLARD'),
    ), area);
    expect(fields(r)).toEqual([
      'rows[1].code',
      'rows[2].kind', 'rows[2].name', 'rows[2].department',
      'rows[3].streamUrl',
      'rows[4].snapshotUrl', 'rows[4].directionDeg',
      'rows[5].lat', 'rows[5].lon',
      'rows[6].geometry',
      'rows[7].code',
    ]);
  });

  it('refuses what is not a FeatureCollection, an empty one, and one too large', () => {
    expect(fields(parseAssetGeoJson({ type: 'Feature' }, area))).toEqual(['type']);
    expect(fields(parseAssetGeoJson(fc(), area))).toEqual(['rows']);
    expect(fields(parseAssetGeoJson(fc(...Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, i) => point(`B-${i}`, 'BOLLARD'))), area))).toEqual(['rows']);
  });
});

describe('parseAssetCsv', () => {
  it('reads a header and rows with quotes, snake_case camera columns and the line in messages', () => {
    const r = parseAssetCsv('code,kind,name,department,lat,lon,snapshot_url,direction_deg\r\nCAM-1,CAMERA,"Câmara ""Aliados"", norte",MOBILITY,41.1496,-8.6109,https://x.example/a.jpg,45\r\n', area);
    expect(r).toMatchObject({ ok: true, rows: [{ code: 'CAM-1', name: 'Câmara "Aliados", norte', camera: { snapshotUrl: 'https://x.example/a.jpg', directionDeg: 45 } }] });
    const bad = parseAssetCsv('code,kind,name,department,lat,lon\nS-1,BOLLARD,a,MOBILITY,abc,-8.6\nS-2,BOLLARD,b,MOBILITY,41.15\n', area);
    expect(bad.ok ? [] : bad.errors).toEqual([
      { field: 'rows[0].lat', message: 'must be a number, got "abc" (line 2)' },
      { field: 'rows[1]', message: 'has 5 cells, the header 6 (line 3)' },
      { field: 'rows[1].lon', message: 'is required (line 3)' },
    ]);
  });

  it('names a missing column and an unclosed quote', () => {
    expect(fields(parseAssetCsv('code,kind,name,lat,lon\nA-1,BOLLARD,a,41.15,-8.6\n', area))).toEqual(['header']);
    expect(fields(parseAssetCsv('code,kind,name,department,lat,lon\n"A-1,BOLLARD', area))).toEqual(['file']);
  });
});

describe('parseCsv', () => {
  it('keeps empty cells and skips blank lines', () => {
    expect(parseCsv('a,b,c\n1,,3\n\n4,5,\n')).toEqual({ header: ['a', 'b', 'c'], rows: [['1', '', '3'], ['4', '5', '']] });
  });
});
