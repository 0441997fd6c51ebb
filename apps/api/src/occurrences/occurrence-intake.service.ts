import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { formatReference, route, strictestLevel, UnknownCategoryError } from '@cgi/domain';
import type { Department, OccurrenceDetail, OccurrenceFlags, OccurrenceSource, OccurrenceStatus, OperationalLevel, RoutingDecision } from '@cgi/shared';
import { actorLabel, type Actor } from '../auth/actor';
import { DomainException } from '../common/domain.exception';
import { Env } from '../config/env';
import { queryPrepared } from '../database/prepared-query';
import type { NewEvent } from '../events/event-log.service';
import { LOCATE_POINT_SQL, toLocatedPoint, type LocatedPoint, type LocatedRow } from '../geo/parish-locator.service';
import { RuleSetService, type LoadedRuleSet } from '../rules/rule-set.service';
import { AssignmentWriter } from './assignment-writer';
import type { CreateOccurrenceDto } from './dto/create-occurrence.dto';
import { OccurrenceRepository } from './occurrence.repository';

export interface IntakeResult {
  /** The stored occurrence as a reader would see it (the intake's answer). */
  detail: OccurrenceDetail;
  /** The stored occurrence; callers read the view they need (the controller answers the detail). */
  occurrence: { id: string; reference: string; status: OccurrenceStatus };
  /** Set when a citizen report was linked to an open occurrence it duplicates. */
  linkedTo: { id: string; reference: string } | null;
}

/**
 * Who may take occurrences in, and with what source (checked here, not only by the route):
 * CGI operators and supervisors (any source, OPERATOR by default), integration clients with
 * the occurrences:create scope (CITIZEN by default, or SENSOR; never OPERATOR).
 */
export function intakeSource(dto: Pick<CreateOccurrenceDto, 'source'>, actor: Actor): OccurrenceSource {
  if (actor.role === 'CGI_OPERATOR' || actor.role === 'CGI_SUPERVISOR') return dto.source ?? 'OPERATOR';
  if (actor.role === 'INTEGRATION' && actor.scopes?.includes('occurrences:create')) {
    if (dto.source === 'OPERATOR') {
      throw new DomainException('VALIDATION_FAILED', 'An integration client reports as CITIZEN or SENSOR', [
        { field: 'source', message: 'must be CITIZEN or SENSOR for an integration client' },
      ]);
    }
    return dto.source ?? 'CITIZEN';
  }
  throw new DomainException('FORBIDDEN', `Role ${actor.role} may not report occurrences`);
}

/** Takes an occurrence in: locate, route by the rules in force, link duplicates, store, log. */
@Injectable()
export class OccurrenceIntakeService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly env: Env,
    private readonly rules: RuleSetService,
    private readonly repo: OccurrenceRepository,
    private readonly assignments: AssignmentWriter,
  ) {}

  /** Routes without storing anything: the console's preview before submit. */
  async preview(dto: Pick<CreateOccurrenceDto, 'category' | 'source' | 'location' | 'flags'>): Promise<RoutingDecision> {
    const { ruleSet, place, level } = await this.context(this.ds.manager, dto.location.lat, dto.location.lon, false);
    return this.decide(ruleSet, dto.category, dto.source ?? 'OPERATOR', normaliseFlags(dto.flags), place.parishCode, level);
  }

  /**
   * Takes an occurrence in and answers it as stored. An operator's or a sensor's report is one
   * read and one write statement (atomic on its own); a citizen's report runs in a transaction,
   * since linking a duplicate must see and update its parent under a lock. `within` runs inside
   * that transaction once the occurrence is stored (an adapter such as Open311 stores what it
   * keeps beside the occurrence atomically with it).
   */
  async intake(
    dto: CreateOccurrenceDto,
    actor: Actor,
    within?: (m: EntityManager, created: { id: string; reference: string; linkedTo: { id: string; reference: string } | null }) => Promise<void>,
  ): Promise<IntakeResult> {
    const source = intakeSource(dto, actor);
    const flags = normaliseFlags(dto.flags);
    const by = actorLabel(actor);
    const store = async (m: EntityManager): Promise<IntakeResult> => {
      const { ruleSet, place, level, sequence } = await this.context(m, dto.location.lat, dto.location.lon, true);
      const decision = this.decide(ruleSet, dto.category, source, flags, place.parishCode, level);
      const parent = source === 'CITIZEN' ? await this.linkDuplicate(m, ruleSet, dto) : null;
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
      const detail = await this.repo.insertNew(m, {
        id, reference, category: dto.category, priority: decision.result.priority, status, source,
        location: dto.location, parishCode: place.parishCode, flags, description: dto.description,
        lead: decision.result.lead, ruleSetVersion: ruleSet.version, routing: decision, parentId: parent?.id ?? null,
        reporter: r && (r.name || r.phone || r.email) ? { name: r.name ?? null, phone: r.phone ?? null, email: r.email ?? null } : null,
        at: now, dispatch, events,
      });
      const linkedTo = parent && { id: parent.id, reference: parent.reference };
      if (within) await within(m, { id, reference, linkedTo });
      return { occurrence: { id, reference, status }, linkedTo, detail };
    };
    return source === 'CITIZEN' || within ? this.ds.transaction(store) : store(this.ds.manager);
  }

  private decide(
    ruleSet: LoadedRuleSet,
    category: string,
    source: OccurrenceSource,
    flags: OccurrenceFlags,
    parishCode: string | null,
    operationalLevel: OperationalLevel,
  ): RoutingDecision {
    try {
      return route({ category, source, flags, parishCode, operationalLevel }, ruleSet);
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
   * Everything intake reads before it writes, in one round trip (the hot path is bound by round
   * trips): the rule set in force, the parish (a point too far from Porto to be the CGI's is
   * refused; governance.md §4.5 keeps the near ones), the operational levels there and, when
   * `reserveReference`, the next reference number (a preview reserves none). The rule set's
   * document is cached by version.
   */
  private async context(m: EntityManager, lat: number, lon: number, reserveReference: boolean) {
    const [row] = await queryPrepared<LocatedRow & { rule_set_version: number; levels: OperationalLevel[]; seq: string | null }>(
      m,
      'intake-context',
      `WITH located AS (${LOCATE_POINT_SQL})
       SELECT l.*, (SELECT max(version) FROM rule_sets) AS rule_set_version,
              coalesce((SELECT array_agg(level) FROM operational_levels WHERE scope = 'CITY' OR scope = l.parish_code), '{}') AS levels,
              CASE WHEN $3::boolean THEN nextval('occurrence_reference_seq')::text END AS seq
         FROM located l`,
      [lon, lat, reserveReference],
    );
    const place = this.withinServiceArea(toLocatedPoint(row));
    const ruleSet = { version: row.rule_set_version, document: await this.rules.document(row.rule_set_version, m) };
    const level = row.levels.reduce<OperationalLevel>((acc, l) => strictestLevel(acc, l), 'NORMAL');
    return { ruleSet, place, level, sequence: Number(row.seq) };
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
  ): Promise<{ id: string; reference: string; reportCount: number; departments: Department[] } | null> {
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
