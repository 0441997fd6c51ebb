import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { outsideServiceArea, parseAssetCsv, parseAssetGeoJson, serviceArea, type AssetImportParse, type ImportArea } from '@cgi/domain';
import type { AssetImportResult, AssetInput, FieldError, GeoPoint } from '@cgi/shared';
import { SecurityAuditService } from '../audit/security-audit.service';
import { actorLabel, type Actor } from '../auth/actor';
import { DomainException } from '../common/domain.exception';
import { Env } from '../config/env';


/** The formats an import takes. */
export type AssetImportFormat = 'geojson' | 'csv';

/**
 * What an insert does with a code that exists: `update` it (an import: a row whose fields are all
 * the same stays unchanged, no version bump), `fail` (a create: unique violation, 409) or `skip`
 * it (the demo seed: what is there is left as it is).
 */
export type OnExistingCode = 'update' | 'fail' | 'skip';

const upsertSql = (existing: OnExistingCode): string => `
  WITH input AS (
    SELECT x.*, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326)::geography AS location
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[],
                  $8::text[], $9::text[], $10::int[], $11::boolean[])
           AS x(code, kind, name, department, lon, lat, address, snapshot_url, stream_url, direction_deg, synthetic)),
  stored AS (
    INSERT INTO assets AS a (code, kind, name, department, location, address, parish_code, snapshot_url, stream_url, direction_deg, synthetic)
    SELECT i.code, i.kind, i.name, i.department, i.location, i.address,
           (SELECT code FROM parishes p WHERE ST_Covers(p.geom, i.location::geometry) ORDER BY code LIMIT 1),
           i.snapshot_url, i.stream_url, i.direction_deg, i.synthetic
      FROM input i
    ${existing === 'skip' ? 'ON CONFLICT (code) DO NOTHING' : ''}
    ${existing === 'update' ? `ON CONFLICT (code) DO UPDATE SET
      kind = EXCLUDED.kind, name = EXCLUDED.name, department = EXCLUDED.department, location = EXCLUDED.location,
      address = EXCLUDED.address, parish_code = EXCLUDED.parish_code, snapshot_url = EXCLUDED.snapshot_url,
      stream_url = EXCLUDED.stream_url, direction_deg = EXCLUDED.direction_deg, synthetic = EXCLUDED.synthetic,
      version = a.version + 1, updated_at = now()
    WHERE (a.kind, a.name, a.department, a.address, a.snapshot_url, a.stream_url, a.direction_deg, a.synthetic)
          IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.name, EXCLUDED.department, EXCLUDED.address, EXCLUDED.snapshot_url,
                            EXCLUDED.stream_url, EXCLUDED.direction_deg, EXCLUDED.synthetic)
       OR NOT ST_Equals(a.location::geometry, EXCLUDED.location::geometry)` : ''}
    RETURNING a.id, a.code, (xmax = 0) AS inserted)
  SELECT id, code, inserted FROM stored`;

/**
 * Imports of the registry (ADMIN endpoint and the CLI): a GeoJSON FeatureCollection or a CSV file,
 * validated row by row (every error names `rows[N].field`), then upserted by code in one
 * transaction: a file with any bad row stores nothing. A kind change of an existing asset is an
 * error (its faults, history and occurrences are of that kind).
 */
@Injectable()
export class AssetImportService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly env: Env,
    private readonly audit: SecurityAuditService,
  ) {}

  /** Where assets may be: the municipality plus the CGI's service area. */
  get area(): ImportArea {
    return serviceArea(this.env.SERVICE_AREA_MAX_KM);
  }

  /** The error of a point outside the service area, naming `field`. */
  checkArea(point: GeoPoint, field: string): FieldError[] {
    return outsideServiceArea(point, this.area, field);
  }

  parse(format: AssetImportFormat, body: unknown): AssetImportParse {
    if (format === 'csv') {
      if (typeof body !== 'string') return { ok: false, errors: [{ field: 'body', message: 'must be CSV text' }] };
      return parseAssetCsv(body, this.area);
    }
    return parseAssetGeoJson(body, this.area);
  }

  /** Validates and upserts; with `dryRun`, counts what it would do and rolls back. */
  async import(format: AssetImportFormat, body: unknown, actor: Actor, dryRun = false): Promise<AssetImportResult> {
    const parsed = this.parse(format, body);
    if (!parsed.ok) throw importInvalid(parsed.errors);
    const rows = parsed.rows;
    const outcome = await this.ds.transaction(async (m) => {
      // One import at a time: two imports of the same codes must not interleave their upserts.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('assets:import'))`);
      const kindChanges: Array<{ code: string; kind: string }> = await m.query(
        `SELECT a.code, a.kind FROM assets a JOIN unnest($1::text[], $2::text[]) AS x(code, kind) ON x.code = a.code WHERE a.kind <> x.kind`,
        [rows.map((r) => r.code), rows.map((r) => r.kind)],
      );
      if (kindChanges.length > 0) {
        const index = new Map(rows.map((r, i) => [r.code, i]));
        throw importInvalid(kindChanges.map((k) => ({
          field: `rows[${index.get(k.code)}].kind`,
          message: `asset ${k.code} is a ${k.kind}: its kind does not change (retire it and import a new code)`,
        })));
      }
      const stored = await this.insert(m, rows, 'update');
      const created = stored.filter((s) => s.inserted).length;
      const result: AssetImportResult = { created, updated: stored.length - created, unchanged: rows.length - stored.length, dryRun };
      if (dryRun) throw new DryRun(result);
      await this.audit.record(m, { actor: actorLabel(actor), action: 'ASSETS_IMPORTED', target: 'assets', details: { format, ...result } });
      return result;
    }).catch((err: unknown) => {
      if (err instanceof DryRun) return err.result;
      throw err;
    });
    return outcome;
  }

  /** Inserts validated assets in `m` (an existing code: see OnExistingCode): answers those created or changed. */
  async insert(m: EntityManager, rows: AssetInput[], existing: OnExistingCode): Promise<Array<{ id: string; code: string; inserted: boolean }>> {
    return m.query(upsertSql(existing), [
      rows.map((r) => r.code), rows.map((r) => r.kind), rows.map((r) => r.name), rows.map((r) => r.department),
      rows.map((r) => r.location.lon), rows.map((r) => r.location.lat), rows.map((r) => r.address),
      rows.map((r) => r.camera?.snapshotUrl ?? null), rows.map((r) => r.camera?.streamUrl ?? null),
      rows.map((r) => r.camera?.directionDeg ?? null), rows.map((r) => r.synthetic),
    ]);
  }
}

/** Rolls a dry run's transaction back with its counts. */
class DryRun extends Error {
  constructor(readonly result: AssetImportResult) {
    super('dry run');
  }
}

function importInvalid(fields: FieldError[]): DomainException {
  const rows = new Set(fields.map((f) => /^rows\[\d+\]/.exec(f.field)?.[0]).filter(Boolean));
  const what = rows.size > 0 ? `${rows.size} row(s) are invalid` : 'the file is invalid';
  return new DomainException('VALIDATION_FAILED', `Import refused, nothing was stored: ${what}`, fields);
}
