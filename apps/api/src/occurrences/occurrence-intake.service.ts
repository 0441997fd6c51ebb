import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { formatReference, route, strictestLevel, UnknownCategoryError } from '@cgi/domain';
import type { Department, OccurrenceDetail, OccurrenceFlags, OccurrenceSource, OccurrenceStatus, OperationalLevel, Priority, RoutingDecision } from '@cgi/shared';
import { actorLabel, type Actor } from '../auth/actor';
import { DomainException } from '../common/domain.exception';
import { OverloadedException } from '../common/overloaded.exception';
import { requestContext } from '../common/request-context';
import { WriteBatcher } from '../common/write-batcher';
import { Env } from '../config/env';
import { isUniqueViolation } from '../database/pg-errors';
import { queryPrepared } from '../database/prepared-query';
import type { NewEvent } from '../events/event-log.service';
import { LOCATE_POINTS_SQL, toLocatedPoint, type LocatedPoint, type LocatedRow } from '../geo/parish-locator.service';
import { RuleSetService, type LoadedRuleSet } from '../rules/rule-set.service';
import { AssignmentWriter } from './assignment-writer';
import type { CreateOccurrenceDto } from './dto/create-occurrence.dto';
import { OccurrenceRepository, type NewOccurrence } from './occurrence.repository';

export interface IntakeResult {
  /** The stored occurrence as a reader would see it (the intake's answer). */
  detail: OccurrenceDetail;
  /** The stored occurrence; callers read the view they need (the controller answers the detail). */
  occurrence: { id: string; reference: string; status: OccurrenceStatus };
  /** Set when a citizen report was linked to an open occurrence it duplicates. */
  linkedTo: { id: string; reference: string } | null;
  /** True when the Idempotency-Key was seen before: the answer is the occurrence stored then (ADR 0014). */
  replayed: boolean;
}

/** How an adapter stores what it keeps beside a new occurrence, in the intake's transaction. */
export type IntakeWithin = (
  m: EntityManager,
  created: { id: string; reference: string; linkedTo: { id: string; reference: string } | null },
) => Promise<void>;

/**
 * Intake's one read, for every point of a batch ($1 longitudes, $2 latitudes, $3 whether to
 * reserve reference numbers, $4 scoped idempotency keys): where each point is, the rule set in
 * force, the operational levels there, the occurrence already stored under its key and, for a new
 * one, its reference number. A prepared statement: its generic plan must stay cheap (ADR 0015).
 */
export const INTAKE_CONTEXT_SQL = `WITH located AS (${LOCATE_POINTS_SQL})
  SELECT l.*, (SELECT max(version) FROM rule_sets) AS rule_set_version,
         coalesce((SELECT array_agg(level) FROM operational_levels WHERE scope = 'CITY' OR scope = l.parish_code), '{}') AS levels,
         e.id AS existing_id,
         CASE WHEN $3::boolean AND e.id IS NULL THEN nextval('occurrence_reference_seq')::text END AS seq
    FROM located l
    LEFT JOIN LATERAL (SELECT id FROM occurrences WHERE idempotency_key = ($4::text[])[l.ord::int]) e ON true
   ORDER BY l.ord`;

/** The unique index that keeps one occurrence per idempotency key. */
const IDEMPOTENCY_INDEX = 'occurrences_idempotency_key';

/** A client's Idempotency-Key scoped by who sent it: two clients may use the same key. */
export function scopedIdempotencyKey(actor: Actor, key: string): string {
  return `${actor.role === 'INTEGRATION' ? 'api-key' : 'user'}:${actor.id}:${key}`;
}

/**
 * Who may take occurrences in, and with what source (checked here, not only by the route):
 * CGI operators and supervisors (any source, OPERATOR by default), integration clients with
 * the occurrences:create scope (CITIZEN by default, or SENSOR; never OPERATOR), the Urban
 * Platform's broker with the platform:notify scope (PLATFORM, and only that).
 */
export function intakeSource(dto: Pick<CreateOccurrenceDto, 'source'>, actor: Actor): OccurrenceSource {
  if (actor.role === 'CGI_OPERATOR' || actor.role === 'CGI_SUPERVISOR') return dto.source ?? 'OPERATOR';
  if (actor.role === 'INTEGRATION' && dto.source === 'PLATFORM' && actor.scopes?.includes('platform:notify')) return 'PLATFORM';
  if (actor.role === 'INTEGRATION' && actor.scopes?.includes('occurrences:create')) {
    if (dto.source === 'OPERATOR' || dto.source === 'PLATFORM') {
      throw new DomainException('VALIDATION_FAILED', 'An integration client reports as CITIZEN or SENSOR', [
        { field: 'source', message: 'must be CITIZEN or SENSOR for an integration client' },
      ]);
    }
    return dto.source ?? 'CITIZEN';
  }
  throw new DomainException('FORBIDDEN', `Role ${actor.role} may not report occurrences`);
}

/** One occurrence to take in, checked for who reports it. */
interface IntakeJob {
  dto: CreateOccurrenceDto;
  source: OccurrenceSource;
  /** The priority the source states (an Urban Platform alert's severity through the rule set). */
  sourcePriority?: Priority;
  by: string;
  /** Scoped idempotency key, or null. */
  key: string | null;
}

/** What intake reads before it writes, for one location. */
interface IntakeContext {
  ruleSet: LoadedRuleSet;
  place: LocatedPoint;
  level: OperationalLevel;
  sequence: number;
  /** The occurrence already stored under the job's idempotency key (then nothing is reserved). */
  existingId: string | null;
}

/** A parent a citizen report was linked to (governance.md §8), with its new report count. */
interface LinkedParent {
  id: string;
  reference: string;
  reportCount: number;
  departments: Department[];
}

/** Takes an occurrence in: locate, route by the rules in force, link duplicates, store, log. */
@Injectable()
export class OccurrenceIntakeService {
  /** Operator and sensor intakes are stored a batch at a time (group commit, ADR 0013). */
  private readonly batcher: WriteBatcher<IntakeJob, IntakeResult>;
  /** Intake requests admitted on this node and not yet answered (bounded by INTAKE_MAX_QUEUE, ADR 0016). */
  private admitted = 0;
  /**
   * The refusals past the bound and past the budget, built once (never mutated): under a surge a
   * refusal costs no stack trace (ADR 0016).
   */
  private readonly refusal: OverloadedException;
  private readonly lateRefusal: OverloadedException;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly env: Env,
    private readonly rules: RuleSetService,
    private readonly repo: OccurrenceRepository,
    private readonly assignments: AssignmentWriter,
  ) {
    this.batcher = new WriteBatcher((jobs) => this.storeBatch(jobs), {
      maxBatch: env.INTAKE_BATCH_MAX,
      concurrency: env.INTAKE_BATCH_CONCURRENCY,
      budgetMs: env.INTAKE_MAX_WAIT_MS,
      expired: () => this.lateRefusal,
    });
    this.lateRefusal = new OverloadedException(
      `Intake is at capacity (a report could not be stored within ${env.INTAKE_MAX_WAIT_MS} ms on this node); nothing was stored, retry after ${env.INTAKE_RETRY_AFTER_S} s`,
      env.INTAKE_RETRY_AFTER_S,
    );
    this.refusal = new OverloadedException(
      `Intake is at capacity (${env.INTAKE_MAX_QUEUE} reports in progress on this node); nothing was stored, retry after ${env.INTAKE_RETRY_AFTER_S} s`,
      env.INTAKE_RETRY_AFTER_S,
    );
  }

  /** True when a report arriving now would be refused (ADR 0016). */
  get atCapacity(): boolean {
    return this.admitted >= this.env.INTAKE_MAX_QUEUE;
  }

  /**
   * Admits an intake request, or answers false past the bound. The HTTP edge calls it as the
   * request arrives (before its body is read, its credentials checked, its fields validated) and
   * `release`s it once the answer is sent: the bound covers everything the request costs, not only
   * its wait for a batch, so requests cannot pile up unbounded in front of the intake (ADR 0016).
   */
  tryAdmit(): boolean {
    if (this.atCapacity) return false;
    this.admitted++;
    return true;
  }

  release(): void {
    if (this.admitted > 0) this.admitted--;
  }

  /** The refusal of a report past the bound: 503 OVERLOADED with Retry-After (one instance, never mutated). */
  overloaded(): OverloadedException {
    return this.refusal;
  }

  /** Intake requests admitted and not yet answered (for metrics and tests). */
  get reportsInFlight(): number {
    return this.admitted;
  }

  /** Operator and sensor reports waiting for the batch being written to finish. */
  get waitingReports(): number {
    return this.batcher.waiting;
  }

  /** Routes without storing anything: the console's preview before submit. */
  async preview(dto: Pick<CreateOccurrenceDto, 'category' | 'source' | 'location' | 'flags'>): Promise<RoutingDecision> {
    const [context] = await this.contexts(this.ds.manager, [dto.location], false);
    const { ruleSet, place, level } = this.usable(context);
    return this.decide(ruleSet, dto.category, dto.source ?? 'OPERATOR', normaliseFlags(dto.flags), place.parishCode, level);
  }

  /**
   * Takes an occurrence in and answers it as stored. An operator's or a sensor's report joins the
   * next group write: one read and one write statement for every report that arrived meanwhile
   * (atomic on its own). A citizen's report runs in a transaction of its own, since linking a
   * duplicate must see and update its parent under a lock. `within` runs inside that transaction
   * once the occurrence is stored (an adapter such as Open311 stores what it keeps beside the
   * occurrence atomically with it). With an `idempotencyKey`, a report whose key was seen before
   * (from the same client) is not stored again: the answer is the occurrence stored then.
   * The bound (INTAKE_MAX_QUEUE, 503 OVERLOADED past it) is applied at the HTTP edge, before this
   * runs (`tryAdmit`, ADR 0016). With `manager`, the report is stored in the caller's transaction
   * (like a citizen's, without the batch), so that it commits or rolls back with the caller's work.
   */
  async intake(
    dto: CreateOccurrenceDto,
    actor: Actor,
    options: { within?: IntakeWithin; idempotencyKey?: string; manager?: EntityManager; sourcePriority?: Priority; waitBound?: boolean } = {},
  ): Promise<IntakeResult> {
    const { within, idempotencyKey, sourcePriority } = options;
    const key = idempotencyKey === undefined ? null : scopedIdempotencyKey(actor, idempotencyKey);
    const job: IntakeJob = { dto, source: intakeSource(dto, actor), sourcePriority, by: actorLabel(actor), key };
    // In the caller's transaction (an adapter that holds locks of its own, e.g. an asset's row):
    // stored with it or not at all; a same-key race is then the caller's error to retry.
    if (options.manager) return this.storeOne(options.manager, job, within);
    // The wait counts from the request's arrival: parsing, authentication and validation included.
    // An adapter that bounds its own reports in flight (the Urban Platform's, one batch of them per
    // node) waives the deadline: a notification of many reports is then not half refused.
    // A batched report that has already waited past what a batch starting now leaves of the budget
    // is refused here, before it queues (ADR 0016).
    const since = options.waitBound === false ? Number.POSITIVE_INFINITY : (requestContext().receivedAt ?? performance.now());
    const batched = job.source !== 'CITIZEN' && !within;
    if (performance.now() - since > (batched ? this.batcher.waitCutoffMs : this.env.INTAKE_MAX_WAIT_MS)) throw this.lateRefusal;
    try {
      if (batched) return await this.batcher.submit(job, since);
      return await this.ds.transaction((m) => this.storeOne(m, job, within));
    } catch (err) {
      // Another node (or a citizen transaction) stored the same key first: answer that one.
      if (key && isUniqueViolation(err, IDEMPOTENCY_INDEX)) {
        const id = await this.repo.idByIdempotencyKey(this.ds.manager, key);
        if (id) return this.replay(this.ds.manager, id);
      }
      throw err;
    }
  }

  /** A citizen's report (or an adapter's), in its own transaction. */
  private async storeOne(m: EntityManager, job: IntakeJob, within: IntakeWithin | undefined): Promise<IntakeResult> {
    if (job.key) {
      // Same-key citizen reports wait for each other here; against a batch (this node's or
      // another's) the unique index decides, and intake() answers the winner's occurrence.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('idempotency:' || $1))`, [job.key]);
    }
    const [context] = await this.contexts(m, [{ ...job.dto.location, key: job.key }], true);
    const usable = this.usable(context);
    if (usable.existingId) return this.replay(m, usable.existingId);
    const parent = job.source === 'CITIZEN' ? await this.linkDuplicate(m, usable.ruleSet, job.dto) : null;
    const row = this.plan(job, usable, parent);
    const [detail] = await this.repo.insertNew(m, [row]);
    const linkedTo = parent && { id: parent.id, reference: parent.reference };
    if (within) await within(m, { id: row.id, reference: row.reference, linkedTo });
    return { occurrence: { id: row.id, reference: row.reference, status: row.status }, linkedTo, detail, replayed: false };
  }

  /**
   * Stores a batch of operator and sensor intakes: one read for all their contexts, one write for
   * all of them. A report refused on its own (unknown category, outside the service area) fails
   * alone; if the write fails as a whole, each report is written on its own so that only a bad
   * one fails (its id is fixed before the write, so a retry can never store a report twice). A
   * report whose idempotency key is already stored, or repeats an earlier report's of the same
   * batch, is answered with that occurrence instead.
   */
  private async storeBatch(jobs: IntakeJob[]): Promise<Array<IntakeResult | Error>> {
    const m = this.ds.manager;
    const firstWithKey = new Map<string, number>();
    const repeats = jobs.map((j, i) => {
      if (!j.key) return -1;
      const first = firstWithKey.get(j.key);
      if (first === undefined) firstWithKey.set(j.key, i);
      return first ?? -1;
    });
    // Repeats of a key already in the batch read no context (and reserve no reference number).
    const leaders = jobs.flatMap((job, i) => (repeats[i] < 0 ? [job] : []));
    const read = await this.contexts(m, leaders.map((j) => ({ ...j.dto.location, key: j.key })), true);
    const contexts = new Map(leaders.map((job, k) => [job, read[k]]));
    const planned = jobs.map((job): NewOccurrence | string | Error | null => {
      const context = contexts.get(job);
      if (!context) return null;
      try {
        const usable = this.usable(context);
        return usable.existingId ?? this.plan(job, usable, null);
      } catch (err) {
        return asError(err);
      }
    });
    const rows = planned.filter((p): p is NewOccurrence => p !== null && typeof p === 'object' && !(p instanceof Error));
    let stored: Array<OccurrenceDetail | Error>;
    try {
      stored = rows.length ? await this.repo.insertNew(m, rows) : [];
    } catch (err) {
      stored = rows.length === 1
        ? [asError(err)]
        : await Promise.all(rows.map((row) => this.repo.insertNew(m, [row]).then(([d]) => d, asError)));
    }
    const byId = new Map(rows.map((row, i) => [row.id, stored[i]]));
    const outcomes: Array<IntakeResult | Error> = [];
    for (const [i, p] of planned.entries()) {
      if (p === null) {
        const first = outcomes[repeats[i]];
        outcomes.push(first instanceof Error ? first : { ...first, replayed: true });
      } else if (p instanceof Error) {
        outcomes.push(p);
      } else if (typeof p === 'string') {
        outcomes.push(await this.replay(m, p).catch(asError));
      } else {
        const detail = byId.get(p.id) ?? new Error(`intake batch lost report ${p.id}`);
        outcomes.push(detail instanceof Error
          ? detail
          : { occurrence: { id: p.id, reference: p.reference, status: p.status }, linkedTo: null, detail, replayed: false });
      }
    }
    return outcomes;
  }

  /** The answer to a report whose idempotency key was seen before: the occurrence stored then. */
  private async replay(m: EntityManager, id: string): Promise<IntakeResult> {
    // Like a first answer, a replay carries no units (integration clients see none; operators read the detail).
    const detail = await this.repo.detail(m, id, []);
    if (!detail) throw new Error(`occurrence ${id} of an idempotency key is gone`);
    // linkedTo is the first answer's business (adapters that use it send no keys).
    return { occurrence: { id: detail.id, reference: detail.reference, status: detail.status }, linkedTo: null, detail, replayed: true };
  }

  /** Routes one report in its context and answers everything intake stores for it. */
  private plan(job: IntakeJob, context: IntakeContext, parent: LinkedParent | null): NewOccurrence {
    const { dto, source, by } = job;
    const { ruleSet, place, level, sequence } = context;
    const flags = normaliseFlags(dto.flags);
    const decision = this.decide(ruleSet, dto.category, source, flags, place.parishCode, level, job.sourcePriority);
    const now = new Date();
    const id = randomUUID();
    const status: OccurrenceStatus = parent ? 'MERGED' : decision.result.autoDispatch ? 'DISPATCHED' : 'NEW';
    const reference = formatReference(now.getUTCFullYear(), sequence);
    const dispatch = status === 'DISPATCHED' ? this.assignments.planNew(decision, ruleSet.document, now) : null;
    const departments = dispatch?.departments ?? [];
    const events: NewEvent[] = [{
      occurrenceId: id,
      type: 'OCCURRENCE_CREATED',
      actor: by,
      departments,
      payload: {
        reference, category: dto.category, source, priority: decision.result.priority, status,
        parishCode: place.parishCode, ruleSetVersion: ruleSet.version, linkedTo: parent?.id ?? null,
      },
    }];
    if (parent) {
      events.push({
        occurrenceId: parent.id,
        type: 'REPORT_LINKED',
        actor: by,
        departments: parent.departments,
        payload: { reportId: id, reportReference: reference, reportCount: parent.reportCount },
      });
    } else if (dispatch) {
      events.push({ occurrenceId: id, type: 'DISPATCHED', actor: by, departments, payload: { departments, automatic: true } });
    }
    const r = dto.reporter;
    return {
      id, reference, category: dto.category, priority: decision.result.priority, status, source,
      location: dto.location, parishCode: place.parishCode, flags, description: dto.description,
      lead: decision.result.lead, ruleSetVersion: ruleSet.version, routing: decision, parentId: parent?.id ?? null,
      idempotencyKey: job.key,
      reporter: r && (r.name || r.phone || r.email) ? { name: r.name ?? null, phone: r.phone ?? null, email: r.email ?? null } : null,
      at: now, dispatch, events,
    };
  }

  private decide(
    ruleSet: LoadedRuleSet,
    category: string,
    source: OccurrenceSource,
    flags: OccurrenceFlags,
    parishCode: string | null,
    operationalLevel: OperationalLevel,
    sourcePriority?: Priority,
  ): RoutingDecision {
    try {
      return route({ category, source, flags, parishCode, operationalLevel, ...(sourcePriority ? { sourcePriority } : {}) }, ruleSet);
    } catch (err) {
      if (err instanceof UnknownCategoryError) {
        throw new DomainException('UNKNOWN_CATEGORY', `Unknown category ${category}`, [
          { field: 'category', message: `unknown category ${category} in rule set version ${ruleSet.version}` },
        ]);
      }
      throw err;
    }
  }

  /**
   * Everything intake reads before it writes, for every location of a batch in one round trip (the
   * hot path is bound by round trips): the rule set in force, the parish, the operational levels
   * there and, when `reserveReference`, the next reference number (a preview reserves none). The
   * rule set's document is cached by version. A location too far from Porto answers an Error in
   * its place (see `usable`), so that it fails alone.
   */
  private async contexts(
    m: EntityManager,
    points: Array<{ lat: number; lon: number; key?: string | null }>,
    reserveReference: boolean,
  ): Promise<Array<IntakeContext | Error>> {
    const rows = await queryPrepared<LocatedRow & { rule_set_version: number; levels: OperationalLevel[]; seq: string | null; existing_id: string | null }>(
      m,
      'intake-context',
      INTAKE_CONTEXT_SQL,
      [points.map((x) => x.lon), points.map((x) => x.lat), reserveReference, points.map((x) => x.key ?? null)],
    );
    const ruleSets = new Map<number, LoadedRuleSet>();
    for (const { rule_set_version: version } of rows) {
      if (!ruleSets.has(version)) ruleSets.set(version, { version, document: await this.rules.document(version, m) });
    }
    return rows.map((row) => {
      if (row.existing_id) {
        return { ruleSet: ruleSets.get(row.rule_set_version) as LoadedRuleSet, place: toLocatedPoint(row), level: 'NORMAL', sequence: 0, existingId: row.existing_id };
      }
      try {
        return {
          ruleSet: ruleSets.get(row.rule_set_version) as LoadedRuleSet,
          place: this.withinServiceArea(toLocatedPoint(row)),
          level: row.levels.reduce<OperationalLevel>((acc, l) => strictestLevel(acc, l), 'NORMAL'),
          sequence: Number(row.seq),
          existingId: null,
        };
      } catch (err) {
        return asError(err);
      }
    });
  }

  /** A context, or the error its location was refused with. */
  private usable(context: IntakeContext | Error): IntakeContext {
    if (context instanceof Error) throw context;
    return context;
  }

  private withinServiceArea(place: LocatedPoint): LocatedPoint {
    if (place.distanceOutsideM > this.env.SERVICE_AREA_MAX_KM * 1000) {
      const km = Math.round(place.distanceOutsideM / 1000);
      throw new DomainException('VALIDATION_FAILED', `Location is ${km} km outside Porto, beyond the CGI's service area`, [
        { field: 'location', message: `is ${km} km outside the municipality of Porto (limit ${this.env.SERVICE_AREA_MAX_KM} km)` },
      ]);
    }
    return place;
  }

  /**
   * governance.md §8: a citizen report of the same category within the radius and window of an
   * open occurrence is linked to it: the parent's report count rises. Answers the parent, its new
   * count and the departments the link concerns, or null. Runs in the intake's transaction.
   */
  private async linkDuplicate(
    m: EntityManager,
    ruleSet: LoadedRuleSet,
    dto: CreateOccurrenceDto,
  ): Promise<LinkedParent | null> {
    // Serialise citizen intakes of one category so two simultaneous first reports cannot both open.
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('duplicate:' || $1))`, [dto.category]);
    const { radiusMeters, windowMinutes } = ruleSet.document.duplicates;
    const rows: Array<{ id: string; reference: string; report_count: number; departments: Department[] }> = await m.query(
      `WITH parent AS (
         SELECT id FROM occurrences
          WHERE category = $1 AND parent_id IS NULL
            AND status IN ('NEW','TRIAGED','DISPATCHED','ACKNOWLEDGED','ON_SCENE')
            AND created_at >= now() - make_interval(mins => $2)
            AND ST_DWithin(location, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography, $5)
          ORDER BY location <-> ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography
          LIMIT 1 FOR UPDATE),
       u AS (
         UPDATE occurrences o SET report_count = report_count + 1, version = version + 1, updated_at = now()
           FROM parent WHERE o.id = parent.id RETURNING o.id, o.reference, o.report_count)
       SELECT u.id, u.reference, u.report_count,
              ARRAY(SELECT department FROM occurrence_assignments
                     WHERE occurrence_id = u.id AND state <> 'RELEASED' ORDER BY department) AS departments
         FROM u`,
      [dto.category, windowMinutes, dto.location.lon, dto.location.lat, radiusMeters],
    );
    const row = rows[0];
    return row ? { id: row.id, reference: row.reference, reportCount: row.report_count, departments: row.departments } : null;
  }
}

export function normaliseFlags(f: Partial<OccurrenceFlags> | undefined): OccurrenceFlags {
  return {
    injuries: f?.injuries ?? false,
    hazardousMaterials: f?.hazardousMaterials ?? false,
    blocksTraffic: f?.blocksTraffic ?? false,
    peopleAtRisk: f?.peopleAtRisk ?? 0,
  };
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

