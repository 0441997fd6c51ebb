import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ASSET_KINDS, ASSET_LAYER_OF, type AssetDetail, type AssetView, type FieldError, type NearbyAssetView } from '@cgi/shared';
import { actorLabel, type Actor } from '../auth/actor';
import { SecurityAuditService } from '../audit/security-audit.service';
import { DomainException } from '../common/domain.exception';
import { isUniqueViolation } from '../database/pg-errors';
import { assertVisible } from '../occurrences/occurrence-access';
import { RuleSetService } from '../rules/rule-set.service';
import { AssetImportService } from './asset-import.service';
import { ASSET_COLUMNS, ASSET_SELECT, OPEN_FAULT_OCCURRENCE, assetOccurrences, toAssetView, type AssetRow } from './asset.sql';
import type { CreateAssetDto, ListAssetsQuery, UpdateAssetDto } from './dto/asset.dto';

/** Status changes and occurrences in an asset's detail. */
const DETAIL_HISTORY = 50;
const DETAIL_OCCURRENCES = 50;

/**
 * The registry of the city's equipment (issue 15): every logged-in role reads it (the map layers,
 * an occurrence's nearby assets); ADMIN manages it, each change audited.
 */
@Injectable()
export class AssetsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly rules: RuleSetService,
    private readonly imports: AssetImportService,
    private readonly audit: SecurityAuditService,
  ) {}

  async list(q: ListAssetsQuery): Promise<AssetView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown): string => `$${params.push(v)}`;
    const layers = q.layer;
    const kinds = layers?.length ? ASSET_KINDS.filter((k) => layers.includes(ASSET_LAYER_OF[k])) : null;
    if (kinds) where.push(`a.kind = ANY(${p(kinds)}::text[])`);
    if (q.kind?.length) where.push(`a.kind = ANY(${p(q.kind)}::text[])`);
    if (q.status?.length) where.push(`a.status = ANY(${p(q.status)}::text[])`);
    if (q.department?.length) where.push(`a.department = ANY(${p(q.department)}::text[])`);
    const rows: AssetRow[] = await this.ds.query(`${ASSET_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.kind, a.code`, params);
    return rows.map(toAssetView);
  }

  async detail(id: string): Promise<AssetDetail> {
    const m = this.ds.manager;
    const row = await this.row(m, id);
    const history: Array<{ status: AssetDetail['status']; observed_at: Date; reason: string | null; source: string }> = await m.query(
      `SELECT status, observed_at, reason, source FROM asset_status_history WHERE asset_id = $1 ORDER BY id DESC LIMIT $2`,
      [id, DETAIL_HISTORY],
    );
    return {
      ...toAssetView(row),
      statusHistory: history.map((h) => ({ status: h.status, at: new Date(h.observed_at).toISOString(), reason: h.reason, source: h.source })),
      occurrences: await assetOccurrences(m, id, DETAIL_OCCURRENCES),
    };
  }

  async create(dto: CreateAssetDto, actor: Actor): Promise<AssetView> {
    const [asset] = dto.kind === 'CAMERA' || !dto.camera ? [] : [{ field: 'camera', message: `is for cameras only, not a ${dto.kind}` }];
    const errors: FieldError[] = [...(asset ? [asset] : []), ...this.imports.checkArea(dto.location, 'location')];
    if (errors.length) throw invalid(errors);
    try {
      const id = await this.ds.transaction(async (m) => {
        const [{ id }] = await this.imports.insert(m, [{
          code: dto.code, kind: dto.kind, name: dto.name.trim(), department: dto.department,
          location: { lat: dto.location.lat, lon: dto.location.lon }, address: dto.location.address ?? null,
          camera: dto.kind === 'CAMERA' ? { snapshotUrl: dto.camera?.snapshotUrl ?? null, streamUrl: dto.camera?.streamUrl ?? null, directionDeg: dto.camera?.directionDeg ?? null } : null,
          synthetic: dto.synthetic ?? false,
        }], 'fail');
        await this.audit.record(m, { actor: actorLabel(actor), action: 'ASSET_CREATED', target: `asset:${dto.code}`, details: { id, kind: dto.kind } });
        return id;
      });
      return toAssetView(await this.row(this.ds.manager, id));
    } catch (err) {
      throw duplicate(err) ?? err;
    }
  }

  async update(id: string, dto: UpdateAssetDto, actor: Actor): Promise<AssetView> {
    await this.ds.transaction(async (m) => {
      const locked: Array<{ kind: AssetRow['kind']; code: string; version: number }> = await m.query(
        `SELECT kind, code, version FROM assets WHERE id = $1 FOR NO KEY UPDATE`,
        [id],
      );
      if (locked.length === 0) throw new DomainException('NOT_FOUND', 'Asset not found');
      const asset = locked[0];
      if (asset.version !== dto.version) {
        const [row] = await m.query(`SELECT status FROM assets WHERE id = $1`, [id]) as Array<{ status: string }>;
        throw new DomainException('STALE_VERSION', `Asset changed since version ${dto.version}`, undefined, { status: row.status, version: asset.version });
      }
      const errors: FieldError[] = [
        ...(dto.camera && asset.kind !== 'CAMERA' ? [{ field: 'camera', message: `is for cameras only, not a ${asset.kind}` }] : []),
        ...(dto.location ? this.imports.checkArea(dto.location, 'location') : []),
      ];
      if (errors.length) throw invalid(errors);
      await m.query(
        `UPDATE assets SET name = coalesce($2, name), department = coalesce($3, department),
                location = CASE WHEN $4::float8 IS NULL THEN location ELSE ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography END,
                address = CASE WHEN $4::float8 IS NULL THEN address ELSE $6 END,
                parish_code = CASE WHEN $4::float8 IS NULL THEN parish_code
                                   ELSE (SELECT code FROM parishes WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($4, $5), 4326)) ORDER BY code LIMIT 1) END,
                snapshot_url = CASE WHEN $7 THEN $8 ELSE snapshot_url END,
                stream_url = CASE WHEN $7 THEN $9 ELSE stream_url END,
                direction_deg = CASE WHEN $7 THEN $10::smallint ELSE direction_deg END,
                version = version + 1, updated_at = now()
          WHERE id = $1`,
        [
          id, dto.name?.trim() ?? null, dto.department ?? null, dto.location?.lon ?? null, dto.location?.lat ?? null, dto.location?.address ?? null,
          dto.camera !== undefined, dto.camera?.snapshotUrl ?? null, dto.camera?.streamUrl ?? null, dto.camera?.directionDeg ?? null,
        ],
      );
      await this.audit.record(m, {
        actor: actorLabel(actor), action: 'ASSET_UPDATED', target: `asset:${asset.code}`,
        details: { id, fields: Object.keys(dto).filter((k) => k !== 'version') },
      });
    });
    return toAssetView(await this.row(this.ds.manager, id));
  }

  /**
   * The assets within `radius` metres of an occurrence (default: the rule set's), cameras first,
   * then by distance; scoped like the occurrence (a department not on it gets 404).
   */
  async nearby(occurrenceId: string, actor: Actor, radius?: number): Promise<NearbyAssetView[]> {
    const m = this.ds.manager;
    await assertVisible(m, actor, occurrenceId);
    const meters = radius ?? (await this.rules.active(m)).document.assets.nearbyRadiusMeters;
    const rows: Array<AssetRow & { distance_m: number }> = await m.query(
      `SELECT ${ASSET_COLUMNS}, ST_Distance(a.location, occ.location) AS distance_m
         FROM occurrences occ
         JOIN assets a ON ST_DWithin(a.location, occ.location, $2)
         ${OPEN_FAULT_OCCURRENCE}
        WHERE occ.id = $1
        ORDER BY (a.kind = 'CAMERA') DESC, a.location <-> occ.location, a.code`,
      [occurrenceId, meters],
    );
    if (rows.length === 0) {
      const exists: unknown[] = await m.query(`SELECT 1 FROM occurrences WHERE id = $1`, [occurrenceId]);
      if (exists.length === 0) throw new DomainException('NOT_FOUND', 'Occurrence not found');
    }
    return rows.map((r) => ({ asset: toAssetView(r), distanceMeters: Math.round(Number(r.distance_m)) }));
  }

  private async row(m: EntityManager, id: string): Promise<AssetRow> {
    const rows: AssetRow[] = await m.query(`${ASSET_SELECT} WHERE a.id = $1`, [id]);
    if (rows.length === 0) throw new DomainException('NOT_FOUND', 'Asset not found');
    return rows[0];
  }
}

export function invalid(fields: FieldError[]): DomainException {
  return new DomainException('VALIDATION_FAILED', `Invalid request: ${fields.map((f) => f.field).join(', ')}`, fields);
}

/** 409 naming `code` when another asset has it. */
function duplicate(err: unknown): DomainException | null {
  if (isUniqueViolation(err, 'assets_code_key')) {
    return new DomainException('CONFLICT', 'Another asset has this code', [{ field: 'code', message: 'is already taken by another asset' }]);
  }
  return null;
}
