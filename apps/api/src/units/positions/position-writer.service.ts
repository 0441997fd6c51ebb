import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isNewerFix, withinOnSceneRadius } from '@cgi/domain';
import type { PositionBatchResult } from '@cgi/shared';
import { WriteBatcher } from '../../common/write-batcher';
import { EventLogService, type NewEvent } from '../../events/event-log.service';
import { RuleSetService } from '../../rules/rule-set.service';
import { unitEventPayload } from '../unit.sql';
import { UnitPositionMetrics } from './unit-position.metrics';
import { UnitPositionRepository, type LockedUnit, type PositionTransport, type UnitFix } from './unit-position.repository';
import { UnitPositionsFanout, type FanoutPosition } from './unit-positions.fanout';

/** One HTTP batch, or one MQTT message: its fixes, checked and resolved, in arrival order. */
export interface PositionSubmission {
  transport: PositionTransport;
  fixes: UnitFix[];
}

/**
 * Submissions written in one transaction at most (an HTTP batch holds up to 500 fixes): a write
 * stays short, since every reader of the event log waits for the oldest transaction in flight.
 */
const MAX_SUBMISSIONS_PER_BATCH = 32;
export const GEOFENCE_ACTOR = 'system:geofence';

/**
 * The one writer of AVL positions, for HTTP batches and MQTT messages alike. Submissions that
 * arrive while a write runs are written together (group commit: one transaction, a few set-based
 * statements, whatever the number of positions), so 200 positions/s cost a few transactions a
 * second. In that transaction, per unit, under its row lock:
 * - a fix not newer than the unit's last one (by the device's timestamp: `isNewerFix`) is ignored
 *   (a duplicate or out of order); the others are accepted: history rows, and the newest becomes
 *   the unit's position;
 * - the geofence: a DISPATCHED unit's first accepted fix within the rule set's onSceneRadiusMeters
 *   of its occurrence, with no proposal yet, sets the assignment's on_scene_proposed_at (the fix's
 *   time) and appends UNIT_ON_SCENE_PROPOSED.
 * After the commit, the newest accepted fix of each unit goes to the live feed of every node.
 */
@Injectable()
export class PositionWriter {
  private readonly batcher = new WriteBatcher<PositionSubmission, PositionBatchResult>((s) => this.writeBatch(s), {
    maxBatch: MAX_SUBMISSIONS_PER_BATCH,
    concurrency: 1,
  });

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: UnitPositionRepository,
    private readonly rules: RuleSetService,
    private readonly events: EventLogService,
    private readonly metrics: UnitPositionMetrics,
    private readonly fanout: UnitPositionsFanout,
  ) {}

  /** Stores a submission (with whatever else is waiting); answers how many were accepted and ignored. */
  write(submission: PositionSubmission): Promise<PositionBatchResult> {
    return this.batcher.submit(submission);
  }

  /** Submissions waiting for the write in progress (metrics, tests). */
  get waiting(): number {
    return this.batcher.waiting;
  }

  private async writeBatch(submissions: PositionSubmission[]): Promise<PositionBatchResult[]> {
    const unitIds = [...new Set(submissions.flatMap((s) => s.fixes.map((f) => f.unitId)))].sort();
    const { results, newest } = await this.ds.transaction(async (m) => {
      const units = new Map((await this.repo.lock(m, unitIds)).map((u) => [u.id, u]));
      const last = new Map<string, Date | null>([...units.values()].map((u) => [u.id, u.position_at]));
      const accepted: Array<UnitFix & { transport: PositionTransport }> = [];
      const newestOf = new Map<string, UnitFix>();
      const results = submissions.map((s) => {
        const r: PositionBatchResult = { accepted: 0, ignored: 0 };
        for (const f of s.fixes) {
          // A unit retired since its code was resolved has no row here: nothing to store.
          if (!units.has(f.unitId) || !isNewerFix(last.get(f.unitId) ?? null, f.at)) {
            r.ignored++;
            continue;
          }
          last.set(f.unitId, f.at);
          accepted.push({ ...f, transport: s.transport });
          newestOf.set(f.unitId, f);
          r.accepted++;
        }
        return r;
      });
      await this.repo.store(m, accepted, [...newestOf.values()]);
      await this.geofence(m, units, accepted);
      return { results, newest: [...newestOf.values()].map((f) => ({ fix: f, unit: units.get(f.unitId)! })) };
    });
    submissions.forEach((s, i) => {
      this.metrics.accepted.inc({ transport: s.transport }, results[i].accepted);
      this.metrics.ignored.inc({ transport: s.transport }, results[i].ignored);
    });
    this.metrics.batchSize.observe(submissions.reduce((n, s) => n + s.fixes.length, 0));
    if (newest.length > 0) {
      this.fanout.publish(
        newest.map(({ fix, unit }): FanoutPosition => ({
          unitId: fix.unitId,
          department: unit.department,
          lat: fix.lat,
          lon: fix.lon,
          at: fix.at.toISOString(),
          speedKmh: fix.speedKmh,
          headingDeg: fix.headingDeg,
        })),
      );
    }
    return results;
  }

  /** Proposes ON_SCENE for dispatched units that came within the radius (once per assignment). */
  private async geofence(m: EntityManager, units: Map<string, LockedUnit>, accepted: UnitFix[]): Promise<void> {
    const candidates = accepted.filter((f) => {
      const u = units.get(f.unitId)!;
      return u.status === 'DISPATCHED' && u.assignment_id !== null && u.on_scene_proposed_at === null && u.occ_lat !== null && u.occ_lon !== null;
    });
    if (candidates.length === 0) return;
    const { document } = await this.rules.active(m);
    const radius = document.units.onSceneRadiusMeters;
    const first = new Map<string, UnitFix>();
    for (const f of candidates) {
      const u = units.get(f.unitId)!;
      if (first.has(f.unitId) || !withinOnSceneRadius(f, { lat: u.occ_lat!, lon: u.occ_lon! }, radius)) continue;
      first.set(f.unitId, f);
    }
    const events: NewEvent[] = [];
    for (const [unitId, f] of first) {
      const u = units.get(unitId)!;
      if (!(await this.repo.proposeOnScene(m, u.assignment_id!, f.at))) continue;
      const payload = unitEventPayload(u, u.status, u.occurrence_id, u.assignment_id, 'geofence');
      events.push({
        occurrenceId: u.occurrence_id,
        type: 'UNIT_ON_SCENE_PROPOSED',
        actor: GEOFENCE_ACTOR,
        departments: [u.department],
        payload: { ...payload, proposedAt: f.at.toISOString(), position: { lat: f.lat, lon: f.lon } },
      });
    }
    await this.events.append(m, events);
  }
}
