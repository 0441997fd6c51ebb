import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  anonymise, buildCatalog, occurrencesCsv, occurrencesGeoJson, OPEN_DATA_FORMATS, parishesCsv, parseOpenDataPeriod, PERIOD_FORMATS,
  type CatalogDataset, type OpenDataFormat, type OpenDataPeriod, type OpenDataPeriodKind,
} from '@cgi/domain';
import { DomainException } from '../common/domain.exception';
import { Env } from '../config/env';
import { OpenDataRepository, type FileToStore, type StoredFile } from './open-data.repository';

export const PUBLISHER_NAME = 'Câmara Municipal do Porto';
export const PUBLISHER_URL = 'https://www.cm-porto.pt/';

export interface GenerationResult {
  kind: OpenDataPeriodKind;
  period: string;
  rows: number;
  suppressed: number;
  /** Formats whose bytes changed (all of them the first time, none on an idempotent re-run). */
  changed: OpenDataFormat[];
}

/** The period named by a request; a bad one is 400 naming `period`. */
export function requestedPeriod(kind: OpenDataPeriodKind, id: string): OpenDataPeriod {
  const period = parseOpenDataPeriod(kind, id);
  if (!period) throw new DomainException('VALIDATION_FAILED', 'Invalid request: period', [{ field: 'period', message: `must be ${PERIOD_FORMATS[kind]}` }]);
  return period;
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Generates a period's anonymised files (pure steps in @cgi/domain) and builds the catalogue. */
@Injectable()
export class OpenDataService {
  private readonly logger = new Logger('OpenData');

  constructor(
    private readonly env: Env,
    private readonly repo: OpenDataRepository,
  ) {}

  async generate(period: OpenDataPeriod): Promise<GenerationResult> {
    const [facts, citizenCategories] = await Promise.all([this.repo.facts(period), this.repo.citizenCategories()]);
    const data = anonymise(facts, { gridSize: this.env.OPEN_DATA_GRID_M, k: this.env.OPEN_DATA_K, citizenCategories });
    const centres = await this.repo.toWgs84(data.rows.map((r) => r.cell));
    const placed = data.rows.map((r, i) => ({ row: r.row, lon: centres[i][0], lat: centres[i][1] }));
    const bodies: Record<OpenDataFormat, string> = {
      csv: occurrencesCsv(placed),
      geojson: occurrencesGeoJson(placed),
      'parishes.csv': parishesCsv(data.parishes),
    };
    const files: FileToStore[] = OPEN_DATA_FORMATS.map((format) => {
      const content = Buffer.from(bodies[format], 'utf8');
      return { format, content, sha256: sha256(content), rows: data.rows.length, suppressed: data.suppressed };
    });
    const changed = await this.repo.store(period, files);
    this.logger.log(`open data ${period.kind} ${period.id}: ${data.rows.length} rows, ${data.suppressed} suppressed, changed: ${changed.join(', ') || 'none'}`);
    return { kind: period.kind, period: period.id, rows: data.rows.length, suppressed: data.suppressed, changed };
  }

  file(kind: OpenDataPeriodKind, period: string, format: OpenDataFormat): Promise<StoredFile | null> {
    return this.repo.file(kind, period, format);
  }

  /** The DCAT-AP catalogue of every generated period, as bytes (the same table gives the same bytes). */
  async catalog(): Promise<{ body: string; sha256: string }> {
    const [stored, bbox] = await Promise.all([this.repo.list(), this.repo.bbox()]);
    const byPeriod = new Map<string, CatalogDataset>();
    for (const s of stored) {
      const period = parseOpenDataPeriod(s.kind, s.period);
      if (!period) continue;
      const key = `${s.kind}/${s.period}`;
      const ds = byPeriod.get(key) ?? { period, rows: s.rows, suppressed: s.suppressed, distributions: [] };
      ds.distributions.push({ format: s.format, byteSize: s.byteSize, sha256: s.sha256, issued: s.issued, modified: s.modified });
      byPeriod.set(key, ds);
    }
    for (const ds of byPeriod.values()) ds.distributions.sort((a, b) => OPEN_DATA_FORMATS.indexOf(a.format) - OPEN_DATA_FORMATS.indexOf(b.format));
    const body = JSON.stringify(buildCatalog([...byPeriod.values()], {
      baseUrl: this.env.PUBLIC_BASE_URL, publisherName: PUBLISHER_NAME, publisherUrl: PUBLISHER_URL, bbox,
      gridSize: this.env.OPEN_DATA_GRID_M, k: this.env.OPEN_DATA_K,
    }));
    return { body, sha256: sha256(body) };
  }
}
