import type { OpenDataPeriod } from './period';

export const CC_BY_4 = 'https://creativecommons.org/licenses/by/4.0/';

/** The files of one period, in a fixed order: the row-level CSV and GeoJSON, the parish aggregate. */
export const OPEN_DATA_FORMATS = ['csv', 'geojson', 'parishes.csv'] as const;
export type OpenDataFormat = (typeof OPEN_DATA_FORMATS)[number];

export const MEDIA_TYPES: Record<OpenDataFormat, string> = {
  csv: 'text/csv',
  geojson: 'application/geo+json',
  'parishes.csv': 'text/csv',
};

/** EU Publications Office file-type authority table. */
const FILE_TYPES: Record<OpenDataFormat, string> = { csv: 'CSV', geojson: 'GEOJSON', 'parishes.csv': 'CSV' };
const TITLES: Record<OpenDataFormat, string> = {
  csv: 'Ocorrências (CSV)',
  geojson: 'Ocorrências (GeoJSON, centros das células)',
  'parishes.csv': 'Ocorrências por freguesia e categoria (CSV, inclui as suprimidas)',
};

export interface CatalogDistribution {
  format: OpenDataFormat;
  byteSize: number;
  sha256: string;
  issued: Date;
  modified: Date;
}

export interface CatalogDataset {
  period: OpenDataPeriod;
  rows: number;
  suppressed: number;
  distributions: CatalogDistribution[];
}

export interface CatalogOptions {
  /** Public base URL of the API (no trailing slash needed). */
  baseUrl: string;
  publisherName: string;
  publisherUrl: string;
  /** WGS84 bounding box of the municipality: [west, south, east, north]. */
  bbox: [number, number, number, number];
  gridSize: number;
  k: number;
}

const CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  spdx: 'http://spdx.org/rdf/terms#',
  locn: 'http://www.w3.org/ns/locn#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
};

const typed = (value: string, type: string) => ({ '@value': value, '@type': type });
const dateTime = (d: Date) => typed(d.toISOString(), 'xsd:dateTime');
const date = (d: string) => typed(d, 'xsd:date');
const iri = (id: string) => ({ '@id': id });
const text = (value: string, lang: string) => ({ '@value': value, '@language': lang });

/** The last local date of a period (its end is exclusive). */
function lastDay(end: string): string {
  const [y, m, d] = end.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

export function datasetPath(period: OpenDataPeriod): string {
  return `/open-data/occurrences/${period.kind}/${period.id}`;
}

export function distributionPath(period: OpenDataPeriod, format: OpenDataFormat): string {
  return format === 'parishes.csv' ? `${datasetPath(period)}.parishes.csv` : `${datasetPath(period)}.${format}`;
}

/**
 * The DCAT-AP (2.x/3) catalogue, as JSON-LD with explicit datatypes, that a CKAN harvester
 * (ckanext-dcat) reads: one dcat:Dataset per period, one dcat:Distribution per file.
 */
export function buildCatalog(datasets: readonly CatalogDataset[], o: CatalogOptions): Record<string, unknown> {
  const base = o.baseUrl.replace(/\/+$/, '');
  const [w, s, e, n] = o.bbox;
  const publisher = { '@id': o.publisherUrl, '@type': 'foaf:Agent', 'foaf:name': o.publisherName };
  const bboxWkt = `POLYGON((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s}))`;
  const sorted = [...datasets].sort((a, b) => (a.period.kind + a.period.id < b.period.kind + b.period.id ? 1 : -1));
  const modified = datasets.flatMap((d) => d.distributions.map((x) => x.modified.getTime()));
  return {
    '@context': CONTEXT,
    '@id': `${base}/open-data/catalog.jsonld`,
    '@type': 'dcat:Catalog',
    'dct:title': [text('Ocorrências do Centro de Gestão Integrada do Porto', 'pt'), text('Occurrences of the Porto Integrated Management Centre', 'en')],
    'dct:description': [
      text(`Ocorrências anonimizadas: localização numa grelha de ${o.gridSize} m, horas ao minuto, células com menos de ${o.k} ocorrências de uma categoria de munícipes suprimidas.`, 'pt'),
      text(`Anonymised occurrences: location on a ${o.gridSize} m grid, times to the minute, cells with fewer than ${o.k} occurrences of a citizen category suppressed.`, 'en'),
    ],
    'dct:publisher': publisher,
    'dct:language': iri('http://publications.europa.eu/resource/authority/language/POR'),
    'dct:license': iri(CC_BY_4),
    'foaf:homepage': iri(`${base}/open-data/catalog.jsonld`),
    ...(modified.length ? { 'dct:modified': dateTime(new Date(Math.max(...modified))) } : {}),
    'dcat:dataset': sorted.map((d) => {
      const id = `${base}${datasetPath(d.period)}`;
      const label = d.period.kind === 'daily' ? `dia ${d.period.id}` : `mês ${d.period.id}`;
      const issued = Math.min(...d.distributions.map((x) => x.issued.getTime()));
      const mod = Math.max(...d.distributions.map((x) => x.modified.getTime()));
      return {
        '@id': id,
        '@type': 'dcat:Dataset',
        'dct:identifier': `cgi-porto-occurrences-${d.period.kind}-${d.period.id}`,
        'dct:title': [text(`Ocorrências do CGI Porto — ${label}`, 'pt'), text(`CGI Porto occurrences — ${d.period.kind === 'daily' ? 'day' : 'month'} ${d.period.id}`, 'en')],
        'dct:description': [
          text(`${d.rows} ocorrências publicadas, ${d.suppressed} suprimidas (k = ${o.k}) e contadas no agregado por freguesia.`, 'pt'),
          text(`${d.rows} occurrences published, ${d.suppressed} suppressed (k = ${o.k}) and counted in the parish aggregate.`, 'en'),
        ],
        'dcat:keyword': [text('ocorrências', 'pt'), text('proteção civil', 'pt'), text('mobilidade', 'pt'), text('occurrences', 'en')],
        'dcat:theme': [iri('http://publications.europa.eu/resource/authority/data-theme/REGI'), iri('http://publications.europa.eu/resource/authority/data-theme/JUST')],
        'dct:publisher': publisher,
        'dct:accrualPeriodicity': iri(`http://publications.europa.eu/resource/authority/frequency/${d.period.kind === 'daily' ? 'DAILY' : 'MONTHLY'}`),
        'dct:issued': dateTime(new Date(issued)),
        'dct:modified': dateTime(new Date(mod)),
        'dct:temporal': { '@type': 'dct:PeriodOfTime', 'dcat:startDate': date(d.period.start), 'dcat:endDate': date(lastDay(d.period.end)) },
        'dct:spatial': { '@type': 'dct:Location', 'dcat:bbox': typed(bboxWkt, 'gsp:wktLiteral'), 'locn:geometry': typed(bboxWkt, 'gsp:wktLiteral') },
        'dcat:spatialResolutionInMeters': typed(String(o.gridSize), 'xsd:decimal'),
        'dcat:distribution': d.distributions.map((x) => {
          const url = `${base}${distributionPath(d.period, x.format)}`;
          return {
            '@id': `${url}#distribution`,
            '@type': 'dcat:Distribution',
            'dct:title': text(TITLES[x.format], 'pt'),
            'dcat:accessURL': iri(url),
            'dcat:downloadURL': iri(url),
            'dcat:mediaType': iri(`https://www.iana.org/assignments/media-types/${MEDIA_TYPES[x.format]}`),
            'dct:format': iri(`http://publications.europa.eu/resource/authority/file-type/${FILE_TYPES[x.format]}`),
            'dct:license': iri(CC_BY_4),
            'dcat:byteSize': typed(String(x.byteSize), 'xsd:nonNegativeInteger'),
            'spdx:checksum': {
              '@type': 'spdx:Checksum',
              'spdx:algorithm': iri('http://spdx.org/rdf/terms#checksumAlgorithm_sha256'),
              'spdx:checksumValue': typed(x.sha256, 'xsd:hexBinary'),
            },
            'dct:issued': dateTime(x.issued),
            'dct:modified': dateTime(x.modified),
          };
        }),
      };
    }),
  };
}
