import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OPEN_DATA_CRS, type OccurrenceFacts, type OpenDataFormat, type OpenDataPeriod, type OpenDataPeriodKind } from '@cgi/domain';
import { DataSource } from 'typeorm';

export interface StoredDataset {
  kind: OpenDataPeriodKind;
  period: string;
  format: OpenDataFormat;
  sha256: string;
  byteSize: number;
  rows: number;
  suppressed: number;
  issued: Date;
  modified: Date;
}

export interface StoredFile {
  content: Buffer;
  sha256: string;
  modified: Date;
}

export interface FileToStore {
  format: OpenDataFormat;
  content: Buffer;
  sha256: string;
  rows: number;
  suppressed: number;
}

interface FactsRow {
  category: string;
  priority: string;
  source: string;
  status: string;
  lead_department: string;
  parish_code: string | null;
  parish_name: string | null;
  x: number;
  y: number;
  created_at: Date;
  dispatched_at: Date | null;
  acknowledged_at: Date | null;
  on_scene_at: Date | null;
  resolved_at: Date | null;
}

/**
 * The SQL of open data. It reads only the publishable facts of an occurrence — never its id,
 * reference, description, address, notes or reporter — with the position projected to PT-TM06.
 */
@Injectable()
export class OpenDataRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The occurrences created in the period (Europe/Lisbon days); merged duplicates are in their parent's count. */
  async facts(period: OpenDataPeriod): Promise<OccurrenceFacts[]> {
    const rows: FactsRow[] = await this.ds.query(
      `SELECT o.category, o.priority, o.source, o.status, o.lead_department, o.parish_code, p.name AS parish_name,
              ST_X(g) AS x, ST_Y(g) AS y, o.created_at, o.dispatched_at, a.acknowledged_at, a.on_scene_at, o.resolved_at
         FROM occurrences o
         LEFT JOIN parishes p ON p.code = o.parish_code
         CROSS JOIN LATERAL ST_Transform(o.location::geometry, ${OPEN_DATA_CRS}) AS g
         LEFT JOIN LATERAL (
           SELECT min(acknowledged_at) AS acknowledged_at, min(on_scene_at) AS on_scene_at
             FROM occurrence_assignments WHERE occurrence_id = o.id) a ON true
        WHERE o.created_at >= ($1::date::timestamp AT TIME ZONE 'Europe/Lisbon')
          AND o.created_at < ($2::date::timestamp AT TIME ZONE 'Europe/Lisbon')
          AND o.status <> 'MERGED'`,
      [period.start, period.end],
    );
    return rows.map((r) => ({
      category: r.category,
      priority: r.priority,
      source: r.source,
      status: r.status,
      leadDepartment: r.lead_department,
      parishCode: r.parish_code,
      parishName: r.parish_name,
      x: Number(r.x),
      y: Number(r.y),
      createdAt: r.created_at,
      dispatchedAt: r.dispatched_at,
      acknowledgedAt: r.acknowledged_at,
      onSceneAt: r.on_scene_at,
      resolvedAt: r.resolved_at,
    }));
  }

  /** Categories of the rule set in force offered to citizens: their rows are k-protected. */
  async citizenCategories(): Promise<Set<string>> {
    const rows: Array<{ code: string }> = await this.ds.query(
      `SELECT c->>'code' AS code
         FROM rule_sets r, jsonb_array_elements(r.document->'categories') c
        WHERE r.version = (SELECT max(version) FROM rule_sets) AND (c->>'citizenFacing')::boolean`,
    );
    return new Set(rows.map((r) => r.code));
  }

  /** Projected cell centres → WGS84 [lon, lat], in order. */
  async toWgs84(points: ReadonlyArray<{ x: number; y: number }>): Promise<Array<[number, number]>> {
    if (points.length === 0) return [];
    const rows: Array<{ lon: number; lat: number }> = await this.ds.query(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat
         FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS c(x, y, i)
         CROSS JOIN LATERAL ST_Transform(ST_SetSRID(ST_MakePoint(c.x, c.y), ${OPEN_DATA_CRS}), 4326) AS p
        ORDER BY c.i`,
      [points.map((p) => p.x), points.map((p) => p.y)],
    );
    return rows.map((r) => [Number(r.lon), Number(r.lat)]);
  }

  /** The municipality's WGS84 bounding box [west, south, east, north] (the parishes' extent). */
  async bbox(): Promise<[number, number, number, number]> {
    const [r]: Array<{ w: number; s: number; e: number; n: number }> = await this.ds.query(
      `SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n FROM (SELECT ST_Extent(geom) AS x FROM parishes) t`,
    );
    const round = (v: number) => Math.round(Number(v) * 1e4) / 1e4;
    return [round(r.w), round(r.s), round(r.e), round(r.n)];
  }

  /**
   * Stores a period's files in one transaction. A file whose bytes did not change is not
   * touched (its modified time stays); answers the formats that changed.
   */
  async store(period: OpenDataPeriod, files: readonly FileToStore[]): Promise<OpenDataFormat[]> {
    return this.ds.transaction(async (m) => {
      const changed: OpenDataFormat[] = [];
      for (const f of files) {
        const rows: unknown[] = await m.query(
          `INSERT INTO open_datasets (kind, period, format, content, sha256, row_count, suppressed)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (kind, period, format) DO UPDATE
              SET content = EXCLUDED.content, sha256 = EXCLUDED.sha256, row_count = EXCLUDED.row_count,
                  suppressed = EXCLUDED.suppressed, modified_at = now()
            WHERE open_datasets.sha256 <> EXCLUDED.sha256
           RETURNING format`,
          [period.kind, period.id, f.format, f.content, f.sha256, f.rows, f.suppressed],
        );
        if (rows.length > 0) changed.push(f.format);
      }
      return changed;
    });
  }

  async file(kind: OpenDataPeriodKind, period: string, format: OpenDataFormat): Promise<StoredFile | null> {
    const [r]: Array<{ content: Buffer; sha256: string; modified_at: Date }> = await this.ds.query(
      `SELECT content, sha256, modified_at FROM open_datasets WHERE kind = $1 AND period = $2 AND format = $3`,
      [kind, period, format],
    );
    return r ? { content: r.content, sha256: r.sha256, modified: r.modified_at } : null;
  }

  async list(): Promise<StoredDataset[]> {
    const rows: Array<{ kind: OpenDataPeriodKind; period: string; format: OpenDataFormat; sha256: string; byte_size: number; row_count: number; suppressed: number; issued_at: Date; modified_at: Date }> =
      await this.ds.query(
        `SELECT kind, period, format, sha256, octet_length(content) AS byte_size, row_count, suppressed, issued_at, modified_at
           FROM open_datasets ORDER BY kind, period, format`,
      );
    return rows.map((r) => ({
      kind: r.kind, period: r.period, format: r.format, sha256: r.sha256, byteSize: Number(r.byte_size),
      rows: r.row_count, suppressed: r.suppressed, issued: r.issued_at, modified: r.modified_at,
    }));
  }
}
