import { anonymise, buildCatalog, CC_BY_4, csvField, gridCell, minuteUtc, occurrencesCsv, occurrencesGeoJson, parseOpenDataPeriod, periodsToRefresh, projectOccurrence, type OccurrenceFacts } from './index';

const facts = (over: Partial<OccurrenceFacts> = {}): OccurrenceFacts => ({
  category: 'ROAD_DAMAGE',
  priority: 'P4',
  source: 'CITIZEN',
  status: 'ACKNOWLEDGED',
  leadDepartment: 'MOBILITY',
  parishCode: '131215',
  parishName: 'Paranhos',
  x: -40123.4,
  y: 164567.8,
  createdAt: new Date('2026-12-03T14:05:59.999Z'),
  dispatchedAt: new Date('2026-12-03T14:07:01Z'),
  acknowledgedAt: null,
  onSceneAt: null,
  resolvedAt: null,
  ...over,
});
const opts = { gridSize: 100, k: 3, citizenCategories: new Set(['ROAD_DAMAGE', 'FLOODING']) };

describe('open data periods', () => {
  it('parses real days and months only', () => {
    expect(parseOpenDataPeriod('daily', '2026-12-31')).toEqual({ kind: 'daily', id: '2026-12-31', start: '2026-12-31', end: '2027-01-01' });
    expect(parseOpenDataPeriod('monthly', '2026-12')).toEqual({ kind: 'monthly', id: '2026-12', start: '2026-12-01', end: '2027-01-01' });
    expect(parseOpenDataPeriod('daily', '2028-02-29')?.end).toBe('2028-03-01');
    for (const bad of ['2026-02-30', '2026-13-01', '2026-1-01', '20261203', '2026-12-03x', '1999-01-01']) expect(parseOpenDataPeriod('daily', bad)).toBeNull();
    for (const bad of ['2026-00', '2026-13', '2026-1', '2026-12-01']) expect(parseOpenDataPeriod('monthly', bad)).toBeNull();
  });

  it('refreshes the recent days and the last complete month', () => {
    expect(periodsToRefresh('2026-12-01', 2).map((p) => `${p.kind}:${p.id}`)).toEqual(['daily:2026-11-29', 'daily:2026-11-30', 'monthly:2026-11']);
    expect(periodsToRefresh('2027-01-15', 1).map((p) => p.id)).toEqual(['2027-01-14', '2026-12']);
    for (const p of periodsToRefresh('2026-03-02', 3)) expect(parseOpenDataPeriod(p.kind, p.id)).toEqual(p);
  });
});

describe('grid coarsening', () => {
  it('puts a point in the cell of its lower-left corner and publishes the centre', () => {
    expect(gridCell(-40123.4, 164567.8, 100)).toEqual({ id: 'CRS3763RES100mN164500E-40200', x: -40150, y: 164550 });
    expect(gridCell(200, 300, 100)).toEqual({ id: 'CRS3763RES100mN300E200', x: 250, y: 350 });
    expect(gridCell(199.999, 299.999, 100).id).toBe('CRS3763RES100mN200E100');
  });
  it('never answers the exact point', () => {
    for (const [x, y] of [[-40150, 164550], [-40100, 164500], [12.5, 7]]) {
      const c = gridCell(x, y, 100);
      expect(x === c.x && y === c.y).toBe(x === -40150 && y === 164550);
    }
  });
  it('refuses a bad grid', () => {
    expect(() => gridCell(Number.NaN, 0, 100)).toThrow(RangeError);
    expect(() => gridCell(0, 0, 0)).toThrow(RangeError);
  });
});

describe('row projection', () => {
  it('keeps only the dictionary fields, times to the minute, open steps folded', () => {
    const withPersonal = { ...facts(), description: 'Buraco à porta do Sr. Silva', address: 'Rua X 12', reporter: { name: 'Ana' }, id: 'uuid', reference: 'CGI-2026-000001' } as OccurrenceFacts;
    const { row, cell } = projectOccurrence(withPersonal, 100);
    expect(row).toEqual({
      category: 'ROAD_DAMAGE', priority: 'P4', source_channel: 'CITIZEN', status: 'OPEN', lead_department: 'MOBILITY',
      parish_code: '131215', parish_name: 'Paranhos', cell_id: cell.id,
      created_at: '2026-12-03T14:05:00Z', dispatched_at: '2026-12-03T14:07:00Z', acknowledged_at: '', on_scene_at: '', resolved_at: '',
    });
    expect(JSON.stringify(row)).not.toMatch(/Silva|Rua X|Ana|uuid|CGI-2026/);
    expect(minuteUtc(null)).toBe('');
    expect(projectOccurrence(facts({ status: 'CLOSED', parishCode: null, parishName: null }), 100).row).toMatchObject({ status: 'CLOSED', parish_code: '', parish_name: '' });
  });
});

describe('k-suppression', () => {
  const at = (x: number, over: Partial<OccurrenceFacts> = {}) => facts({ x, y: 164510, ...over });

  it('keeps a cell × category with exactly k citizen rows, suppresses k - 1', () => {
    const three = [at(10), at(20), at(30)];
    expect(anonymise(three, opts)).toMatchObject({ suppressed: 0 });
    expect(anonymise(three, opts).rows).toHaveLength(3);
    const two = anonymise([at(10), at(20)], opts);
    expect(two.rows).toHaveLength(0);
    expect(two.suppressed).toBe(2);
    expect(two.parishes).toEqual([{ parish_code: '131215', parish_name: 'Paranhos', category: 'ROAD_DAMAGE', occurrences: 2, suppressed: 2 }]);
  });

  it('counts groups per cell and per category: neighbours in other cells or categories do not help', () => {
    const d = anonymise([at(10), at(20), at(130), at(40, { category: 'FLOODING' }), at(50, { category: 'FLOODING' }), at(60, { category: 'FLOODING' })], opts);
    expect(d.rows.map((r) => r.row.category)).toEqual(['FLOODING', 'FLOODING', 'FLOODING']);
    expect(d.suppressed).toBe(3);
  });

  it('protects citizen channels in any category, not operator or sensor emergencies', () => {
    const d = anonymise([
      at(10, { category: 'FIRE_BUILDING', source: 'OPERATOR' }),
      at(10, { category: 'AIR_QUALITY_ALERT', source: 'SENSOR' }),
      at(10, { category: 'RESCUE', source: 'CITIZEN' }),
      at(10, { category: 'ROAD_DAMAGE', source: 'OPERATOR' }),
    ], opts);
    expect(d.rows.map((r) => r.row.category).sort()).toEqual(['AIR_QUALITY_ALERT', 'FIRE_BUILDING']);
    expect(d.suppressed).toBe(2);
  });

  it('k = 1 publishes everything; a bad k is refused; the order is total', () => {
    const input = [at(30), at(10, { createdAt: new Date('2026-12-03T09:00:00Z') }), at(20)];
    const d = anonymise(input, { ...opts, k: 1 });
    expect(d.suppressed).toBe(0);
    expect(d.rows.map((r) => r.row.created_at)).toEqual(['2026-12-03T09:00:00Z', '2026-12-03T14:05:00Z', '2026-12-03T14:05:00Z']);
    expect(anonymise([...input].reverse(), { ...opts, k: 1 })).toEqual(d);
    expect(() => anonymise(input, { ...opts, k: 0 })).toThrow(RangeError);
    expect(anonymise([], opts)).toEqual({ rows: [], suppressed: 0, parishes: [] });
  });
});

describe('writers', () => {
  const placed = anonymise([facts(), facts(), facts({ category: 'OTHER', source: 'OPERATOR', parishName: 'Foz, "Nevogilde"' })], { ...opts, k: 2 }).rows
    .map((r) => ({ row: r.row, lon: -8.60441234567, lat: 41.1779 }));

  it('writes RFC 4180 CSV with quoting and CRLF', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    const csv = occurrencesCsv(placed);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('category,priority,source_channel,status,lead_department,parish_code,parish_name,cell_id,created_at,dispatched_at,acknowledged_at,on_scene_at,resolved_at,cell_lon,cell_lat');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain('"Foz, ""Nevogilde"""');
    expect(lines[1].endsWith(',-8.604412,41.1779')).toBe(true);
  });

  it('writes GeoJSON points at the rounded cell centre', () => {
    const g = JSON.parse(occurrencesGeoJson(placed));
    expect(g.type).toBe('FeatureCollection');
    expect(g.features).toHaveLength(3);
    expect(g.features[0].geometry).toEqual({ type: 'Point', coordinates: [-8.604412, 41.1779] });
    expect(Object.keys(g.features[0].properties)).toHaveLength(13);
  });
});

describe('DCAT-AP catalogue', () => {
  it('has a dataset per period and a distribution per file, CC BY 4.0', () => {
    const period = parseOpenDataPeriod('daily', '2026-12-03')!;
    const t = new Date('2026-12-04T04:23:00Z');
    const cat = buildCatalog([{ period, rows: 5, suppressed: 2, distributions: [{ format: 'csv', byteSize: 10, sha256: 'ab', issued: t, modified: t }, { format: 'geojson', byteSize: 20, sha256: 'cd', issued: t, modified: t }] }],
      { baseUrl: 'https://api.example/', publisherName: 'Câmara Municipal do Porto', publisherUrl: 'https://www.cm-porto.pt/', bbox: [-8.69, 41.13, -8.55, 41.19], gridSize: 100, k: 3 });
    expect(cat['@type']).toBe('dcat:Catalog');
    type Node = { '@id': string };
    type Dist = Record<'dcat:downloadURL' | 'dcat:mediaType' | 'dct:license', Node>;
    const [ds] = cat['dcat:dataset'] as Array<{ '@id': string; 'dct:temporal': Record<string, unknown>; 'dcat:distribution': Dist[] }>;
    expect(ds['@id']).toBe('https://api.example/open-data/occurrences/daily/2026-12-03');
    expect(ds['dct:temporal']['dcat:endDate']).toEqual({ '@value': '2026-12-03', '@type': 'xsd:date' });
    expect(ds['dcat:distribution'].map((d) => [d['dcat:downloadURL']['@id'], d['dcat:mediaType']['@id'], d['dct:license']['@id']])).toEqual([
      ['https://api.example/open-data/occurrences/daily/2026-12-03.csv', 'https://www.iana.org/assignments/media-types/text/csv', CC_BY_4],
      ['https://api.example/open-data/occurrences/daily/2026-12-03.geojson', 'https://www.iana.org/assignments/media-types/application/geo+json', CC_BY_4],
    ]);
  });
});
