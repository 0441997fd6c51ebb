import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { assetFaultDecision, assetFaultDescription, assetRestoredNote, isFaultStatus, isNewerObservation } from '@cgi/domain';
import type { AssetStatus, AssetStatusSource, AssetView, Department } from '@cgi/shared';
import { actorLabel, type Actor } from '../auth/actor';
import { DomainException } from '../common/domain.exception';
import { appendEvents } from '../events/event-log.sql';
import { OccurrenceIntakeService } from '../occurrences/occurrence-intake.service';
import { RuleSetService } from '../rules/rule-set.service';
import { AssetStatusFanout } from './asset-status.fanout';
import { ASSET_SELECT, toAssetView, type AssetRow } from './asset.sql';

/** What reports an asset's status (an operator, a sensor gateway, the Urban Platform, an import). */
export interface AssetStatusReport {
  code: string;
  status: AssetStatus;
  reason?: string | null;
  /** When the device or its platform observed it: an observation not newer than the last one taken is ignored. */
  observedAt: Date;
  source: AssetStatusSource;
  actor: Actor;
  /** The caller's key for the report: the same key twice opens one occurrence (ADR 0014). */
  idempotencyKey?: string;
}

export interface AssetStatusResult {
  asset: AssetView;
  /** The fault occurrence the report opened (created) or was linked to, or null. */
  occurrence: { id: string; reference: string; created: boolean } | null;
  /** True when the observation was older than the last one taken: nothing changed. */
  ignored: boolean;
}

/** Who the fault occurrences are reported by: the registry, as a sensor channel (ADR 0026). */
export const ASSET_REGISTRY_ACTOR: Actor = {
  id: 'asset-registry',
  username: 'asset-registry',
  role: 'INTEGRATION',
  department: null,
  scopes: ['occurrences:create'],
};

/** How far ahead of this clock an observation may be (device clocks drift). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * An asset's status and what it does to occurrences (ADR 0026), under the asset's row lock so
 * that two reports of one asset at once open one occurrence: a fault opens the mapped category
 * through the real intake (routing, deadlines, events, outbox) in the same transaction, further
 * fault reports are linked to it (report count, ASSET_FAULT_REPORTED), back to OK proposes its
 * resolution (ASSET_RESTORED). Consoles get `assets:status` after the commit.
 */
@Injectable()
export class AssetStatusService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly rules: RuleSetService,
    private readonly intake: OccurrenceIntakeService,
    private readonly fanout: AssetStatusFanout,
  ) {}

  /**
   * Takes a status report. In the caller's transaction when `m` is given: then the caller sends
   * `announce([result.asset])` once it has committed (consoles must not see what may roll back).
   */
  async reportStatus(input: AssetStatusReport, m?: EntityManager): Promise<AssetStatusResult> {
    if (input.observedAt.getTime() > Date.now() + FUTURE_TOLERANCE_MS) {
      throw new DomainException('VALIDATION_FAILED', 'observedAt is in the future', [
        { field: 'observedAt', message: `${input.observedAt.toISOString()} is later than now` },
      ]);
    }
    if (m) return this.reportIn(m, input);
    const result = await this.ds.transaction((tx) => this.reportIn(tx, input));
    if (!result.ignored) this.announce([result.asset]);
    return result;
  }

  /** Sends assets whose status changed to the consoles (`assets:status`); call after the commit. */
  announce(assets: AssetView[]): void {
    this.fanout.publish(assets);
  }

  private async reportIn(m: EntityManager, input: AssetStatusReport): Promise<AssetStatusResult> {
    const reason = input.reason?.trim() || null;
    const locked: Array<{ id: string }> = await m.query(`SELECT id FROM assets WHERE code = $1 FOR NO KEY UPDATE`, [input.code]);
    if (locked.length === 0) {
      throw new DomainException('NOT_FOUND', `No asset has the code ${input.code}`, [{ field: 'code', message: `unknown asset code ${input.code}` }]);
    }
    const id = locked[0].id;
    const asset = await this.row(m, id);
    if (!isNewerObservation(input.observedAt, asset.last_observed_at)) {
      return { asset: toAssetView(asset), occurrence: null, ignored: true };
    }
    const { document } = await this.rules.active(m);
    const open = asset.open_occurrence_id ? { id: asset.open_occurrence_id, reference: asset.open_occurrence_reference ?? '' } : null;
    const decision = assetFaultDecision(document.assets, asset, input.status, open);
    const by = actorLabel(input.actor);

    if (input.status !== asset.status) {
      await m.query(
        `UPDATE assets SET status = $2, status_reason = $3, status_source = $4, status_changed_at = $5, last_observed_at = $5,
                version = version + 1, updated_at = now()
          WHERE id = $1`,
        [id, input.status, reason, input.source, input.observedAt],
      );
      await m.query(
        `INSERT INTO asset_status_history (asset_id, status, reason, source, observed_at, actor) VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, input.status, reason, input.source, input.observedAt, by],
      );
    } else {
      await m.query(`UPDATE assets SET last_observed_at = $2 WHERE id = $1`, [id, input.observedAt]);
    }

    let occurrence: AssetStatusResult['occurrence'] = null;
    if (decision.action === 'open' && isFaultStatus(input.status)) {
      const status = input.status;
      const result = await this.intake.intake(
        {
          category: decision.category,
          source: 'SENSOR',
          location: { lat: asset.lat, lon: asset.lon, address: asset.address ?? undefined },
          flags: decision.flags,
          description: assetFaultDescription(asset, status, reason),
        },
        ASSET_REGISTRY_ACTOR,
        {
          manager: m,
          idempotencyKey: input.idempotencyKey === undefined ? undefined : `${input.actor.id}:${input.idempotencyKey}`,
          within: async (tx, created) => {
            await tx.query(
              `INSERT INTO asset_occurrences (asset_id, occurrence_id, opened_by_status, last_reported_at) VALUES ($1, $2, $3, $4)`,
              [id, created.id, status, input.observedAt],
            );
          },
        },
      );
      occurrence = { id: result.occurrence.id, reference: result.occurrence.reference, created: !result.replayed };
    } else if (decision.action === 'link' && open) {
      // One statement for both counts (TypeORM answers an UPDATE's RETURNING with its row count beside it; a CTE, only the rows).
      const [linked]: Array<{ report_count: number }> = await m.query(
        `WITH link AS (
           UPDATE asset_occurrences SET report_count = report_count + 1, last_reported_at = $3
            WHERE asset_id = $1 AND occurrence_id = $2 RETURNING report_count),
         occ AS (UPDATE occurrences SET report_count = report_count + 1, version = version + 1, updated_at = now() WHERE id = $2 RETURNING id)
         SELECT link.report_count FROM link, occ`,
        [id, open.id, input.observedAt],
      );
      await appendEvents(m, [{
        occurrenceId: open.id,
        type: 'ASSET_FAULT_REPORTED',
        actor: by,
        departments: await this.departmentsOn(m, open.id),
        payload: {
          assetId: id, code: asset.code, kind: asset.kind, status: input.status, reason, source: input.source,
          observedAt: input.observedAt.toISOString(), reportCount: linked.report_count,
        },
      }]);
      occurrence = { ...open, created: false };
    } else if (decision.action === 'propose-resolution' && open) {
      await m.query(`UPDATE occurrences SET version = version + 1, updated_at = now() WHERE id = $1`, [open.id]);
      await appendEvents(m, [{
        occurrenceId: open.id,
        type: 'ASSET_RESTORED',
        actor: by,
        departments: await this.departmentsOn(m, open.id),
        payload: {
          assetId: id, code: asset.code, kind: asset.kind, status: input.status, source: input.source,
          observedAt: input.observedAt.toISOString(), text: assetRestoredNote(asset, reason), visibility: 'INTERNAL', proposeResolution: true,
        },
      }]);
      occurrence = { ...open, created: false };
    }
    return { asset: toAssetView(await this.row(m, id)), occurrence, ignored: false };
  }

  private async row(m: EntityManager, id: string): Promise<AssetRow> {
    const rows: AssetRow[] = await m.query(`${ASSET_SELECT} WHERE a.id = $1`, [id]);
    if (rows.length === 0) throw new DomainException('NOT_FOUND', 'Asset not found');
    return rows[0];
  }

  /** The departments on an occurrence now (its events concern them). */
  private async departmentsOn(m: EntityManager, occurrenceId: string): Promise<Department[]> {
    const rows: Array<{ department: Department }> = await m.query(
      `SELECT department FROM occurrence_assignments WHERE occurrence_id = $1 AND state <> 'RELEASED' ORDER BY department`,
      [occurrenceId],
    );
    return rows.map((r) => r.department);
  }
}
