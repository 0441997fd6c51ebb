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
import { ASSET_COLUMNS, OPEN_FAULT_OCCURRENCE, toAssetView, type AssetRow } from './asset.sql';

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

/** An asset named by its code (the contract) or its id (the REST endpoint). */
type AssetKey = { code: string } | { id: string };

/** The departments on the occurrence of parameter `param` now (its events concern them), as an SQL expression. */
const departmentsOn = (param: string): string =>
  `ARRAY(SELECT department FROM occurrence_assignments WHERE occurrence_id = ${param} AND state <> 'RELEASED' ORDER BY department)`;

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
    return this.report({ code: input.code }, input, m);
  }

  /** The same for the asset with this id (the REST endpoint names assets by id): 404 when there is none. */
  async reportStatusOf(assetId: string, input: Omit<AssetStatusReport, 'code'>): Promise<AssetStatusResult> {
    return this.report({ id: assetId }, input);
  }

  /** Sends assets whose status changed to the consoles (`assets:status`); call after the commit. */
  announce(assets: AssetView[]): void {
    this.fanout.publish(assets);
  }

  private async report(which: AssetKey, input: Omit<AssetStatusReport, 'code'>, m?: EntityManager): Promise<AssetStatusResult> {
    if (input.observedAt.getTime() > Date.now() + FUTURE_TOLERANCE_MS) {
      throw new DomainException('VALIDATION_FAILED', 'observedAt is in the future', [
        { field: 'observedAt', message: `${input.observedAt.toISOString()} is later than now` },
      ]);
    }
    if (m) return (await this.reportIn(m, which, input)).result;
    const { result, changed } = await this.ds.transaction((tx) => this.reportIn(tx, which, input));
    if (changed) this.announce([result.asset]);
    return result;
  }

  /**
   * The report in `m`: the asset locked, then read (with its open fault occurrence and the rule set
   * in force), then the status, the occurrence's side and the event; the answer is built from what
   * was written, not read again. `changed`: whether the asset's view changed.
   */
  private async reportIn(m: EntityManager, which: AssetKey, input: Omit<AssetStatusReport, 'code'>): Promise<{ result: AssetStatusResult; changed: boolean }> {
    const reason = input.reason?.trim() || null;
    // Lock first, then read in a statement of its own: under READ COMMITTED a statement that waited
    // for the lock re-reads only the locked row, not its joins, so a reader locking and joining in
    // one statement would miss the occurrence the report before it opened.
    const locked: Array<{ id: string }> = await m.query(
      `SELECT id FROM assets WHERE ${'id' in which ? 'id = $1::uuid' : 'code = $1'} FOR NO KEY UPDATE`,
      ['id' in which ? which.id : which.code],
    );
    if (locked.length === 0) {
      if ('id' in which) throw new DomainException('NOT_FOUND', 'Asset not found');
      throw new DomainException('NOT_FOUND', `No asset has the code ${which.code}`, [{ field: 'code', message: `unknown asset code ${which.code}` }]);
    }
    const rows: Array<AssetRow & { rule_set_version: number }> = await m.query(
      `SELECT ${ASSET_COLUMNS}, (SELECT max(version) FROM rule_sets) AS rule_set_version FROM assets a ${OPEN_FAULT_OCCURRENCE} WHERE a.id = $1`,
      [locked[0].id],
    );
    const asset = rows[0];
    const id = asset.id;
    if (!isNewerObservation(input.observedAt, asset.last_observed_at)) {
      return { result: { asset: toAssetView(asset), occurrence: null, ignored: true }, changed: false };
    }
    const document = await this.rules.document(asset.rule_set_version, m);
    const open = asset.open_occurrence_id ? { id: asset.open_occurrence_id, reference: asset.open_occurrence_reference ?? '' } : null;
    const decision = assetFaultDecision(document.assets, asset, input.status, open);
    const by = actorLabel(input.actor);

    let after: AssetRow = asset;
    if (input.status !== asset.status) {
      const [updated]: Array<{ version: number; updated_at: Date }> = await m.query(
        `WITH u AS (
           UPDATE assets SET status = $2, status_reason = $3, status_source = $4, status_changed_at = $5, last_observed_at = $5,
                  version = version + 1, updated_at = now()
            WHERE id = $1 RETURNING version, updated_at),
         h AS (INSERT INTO asset_status_history (asset_id, status, reason, source, observed_at, actor) VALUES ($1, $2, $3, $4, $5, $6))
         SELECT version, updated_at FROM u`,
        [id, input.status, reason, input.source, input.observedAt, by],
      );
      after = { ...asset, status: input.status, status_reason: reason, status_changed_at: input.observedAt, last_observed_at: input.observedAt, ...updated };
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
      // A replay (the key seen before) links nothing: the view shows what is linked.
      if (!result.replayed) after = { ...after, open_occurrence_id: result.occurrence.id, open_occurrence_reference: result.occurrence.reference };
    } else if (decision.action === 'link' && open) {
      // One statement for both counts and the departments the event concerns.
      const [linked]: Array<{ report_count: number; departments: Department[] }> = await m.query(
        `WITH link AS (
           UPDATE asset_occurrences SET report_count = report_count + 1, last_reported_at = $3
            WHERE asset_id = $1 AND occurrence_id = $2 RETURNING report_count),
         occ AS (UPDATE occurrences SET report_count = report_count + 1, version = version + 1, updated_at = now() WHERE id = $2 RETURNING id)
         SELECT link.report_count, ${departmentsOn('$2')} AS departments FROM link, occ`,
        [id, open.id, input.observedAt],
      );
      await appendEvents(m, [{
        occurrenceId: open.id,
        type: 'ASSET_FAULT_REPORTED',
        actor: by,
        departments: linked.departments,
        payload: {
          assetId: id, code: asset.code, kind: asset.kind, status: input.status, reason, source: input.source,
          observedAt: input.observedAt.toISOString(), reportCount: linked.report_count,
        },
      }]);
      occurrence = { ...open, created: false };
    } else if (decision.action === 'propose-resolution' && open) {
      const [touched]: Array<{ departments: Department[] }> = await m.query(
        `WITH occ AS (UPDATE occurrences SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING id)
         SELECT ${departmentsOn('$1')} AS departments FROM occ`,
        [open.id],
      );
      await appendEvents(m, [{
        occurrenceId: open.id,
        type: 'ASSET_RESTORED',
        actor: by,
        departments: touched.departments,
        payload: {
          assetId: id, code: asset.code, kind: asset.kind, status: input.status, source: input.source,
          observedAt: input.observedAt.toISOString(), text: assetRestoredNote(asset, reason), visibility: 'INTERNAL', proposeResolution: true,
        },
      }]);
      occurrence = { ...open, created: false };
    }
    return { result: { asset: toAssetView(after), occurrence, ignored: false }, changed: after !== asset };
  }
}
