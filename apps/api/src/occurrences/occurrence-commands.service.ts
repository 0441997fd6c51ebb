import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { IllegalTransitionError, nextStatus, route, UnknownCategoryError, type OccurrenceCommand } from '@cgi/domain';
import type { Department, OccurrenceStatus, RoutingDecision, RoutingOverride } from '@cgi/shared';
import { actorLabel, type Actor } from '../auth/actor';
import { SecurityAuditService } from '../audit/security-audit.service';
import { DomainException } from '../common/domain.exception';
import { EventLogService, type NewEvent } from '../events/event-log.service';
import { OperationalLevelService } from '../operational-levels/operational-level.service';
import { RuleSetService } from '../rules/rule-set.service';
import { UnitReleaseWriter } from '../units/unit-release.writer';
import { AssignmentWriter } from './assignment-writer';
import { effectiveRouting } from './assignment-planner';
import type { MergeDto, OverrideRoutingDto, TriageDto } from './dto/commands.dto';
import { normaliseFlags } from './occurrence-intake.service';
import { assertVisible, NOTE_WRITERS, requireRole } from './occurrence-access';
import { OccurrenceRepository, type OccurrenceRow } from './occurrence.repository';

interface CommandContext {
  m: EntityManager;
  occ: OccurrenceRow;
  now: Date;
  by: string;
}

interface Change {
  status?: OccurrenceStatus;
  /** Extra columns to set on the occurrence (column → value). */
  set?: Record<string, unknown>;
  /** Events of the change; departments default to the active assignments after it. */
  events: Array<Omit<NewEvent, 'occurrenceId' | 'actor' | 'departments'> & { occurrenceId?: string; departments?: Department[] }>;
}

const SETTABLE = new Set([
  'category', 'priority', 'lead_department', 'rule_set_version', 'routing', 'override', 'injuries',
  'hazardous_materials', 'blocks_traffic', 'people_at_risk', 'triaged_at', 'dispatched_at', 'resolved_at',
  'closed_at', 'cancel_reason', 'parent_id',
]);

/**
 * The lifecycle commands (governance.md §5). Each runs in one transaction holding the
 * occurrence's row lock: check the version and the transition, change, append the events.
 */
@Injectable()
export class OccurrenceCommandsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: OccurrenceRepository,
    private readonly rules: RuleSetService,
    private readonly levels: OperationalLevelService,
    private readonly assignments: AssignmentWriter,
    private readonly events: EventLogService,
    private readonly audit: SecurityAuditService,
    private readonly units: UnitReleaseWriter,
  ) {}

  triage(id: string, actor: Actor, dto: TriageDto): Promise<void> {
    requireRole(actor);
    return this.execute(id, actor, dto.version, async ({ m, occ, now }) => {
      const status = this.transition(occ, 'TRIAGE');
      const category = dto.category ?? occ.category;
      const flags = normaliseFlags({
        injuries: dto.flags?.injuries ?? occ.injuries,
        hazardousMaterials: dto.flags?.hazardousMaterials ?? occ.hazardous_materials,
        blocksTraffic: dto.flags?.blocksTraffic ?? occ.blocks_traffic,
        peopleAtRisk: dto.flags?.peopleAtRisk ?? occ.people_at_risk,
      });
      const ruleSet = await this.rules.active(m);
      const level = await this.levels.levelAt(m, occ.parish_code);
      let decision: RoutingDecision;
      try {
        decision = route({ category, source: occ.source, flags, parishCode: occ.parish_code, operationalLevel: level }, ruleSet);
      } catch (err) {
        if (err instanceof UnknownCategoryError) {
          throw new DomainException('UNKNOWN_CATEGORY', `Unknown category ${category}`, [
            { field: 'category', message: `unknown category ${category}` },
          ]);
        }
        throw err;
      }
      return {
        status,
        set: {
          category, priority: decision.result.priority, lead_department: decision.result.lead,
          rule_set_version: ruleSet.version, routing: decision, override: null, triaged_at: now,
          injuries: flags.injuries, hazardous_materials: flags.hazardousMaterials,
          blocks_traffic: flags.blocksTraffic, people_at_risk: flags.peopleAtRisk,
        },
        events: [{ type: 'TRIAGED', payload: { category, priority: decision.result.priority, lead: decision.result.lead, ruleSetVersion: ruleSet.version } }],
      };
    });
  }

  dispatch(id: string, actor: Actor, version?: number): Promise<void> {
    requireRole(actor);
    return this.execute(id, actor, version, async ({ m, occ, now }) => {
      const status = this.transition(occ, 'DISPATCH');
      const effective = effectiveRouting(occ.routing, occ.override);
      if (effective.lead === 'CGI') {
        throw new DomainException('ILLEGAL_TRANSITION', 'Choose a category (triage) or override the routing before dispatching', undefined, {
          status: occ.status, version: occ.version,
        });
      }
      const doc = await this.rules.document(occ.rule_set_version, m);
      const departments = await this.assignments.dispatch(m, occ.id, occ.routing, occ.override, doc, now, true);
      return { status, set: { dispatched_at: now }, events: [{ type: 'DISPATCHED', payload: { departments, automatic: false } }] };
    });
  }

  overrideRouting(id: string, actor: Actor, dto: OverrideRoutingDto): Promise<void> {
    requireRole(actor);
    return this.execute(id, actor, dto.version, async ({ m, occ, now, by }) => {
      this.transition(occ, 'OVERRIDE_ROUTING');
      const before = await this.repo.activeDepartments(m, occ.id);
      const override: RoutingOverride = {
        lead: dto.lead, support: dto.support.filter((d) => d !== dto.lead), priority: dto.priority,
        reason: dto.reason, by, at: now.toISOString(),
      };
      const previous = effectiveRouting(occ.routing, occ.override);
      let status: OccurrenceStatus | undefined;
      if (['DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE'].includes(occ.status)) {
        const doc = await this.rules.document(occ.rule_set_version, m);
        await this.assignments.dispatch(m, occ.id, occ.routing, override, doc, now, previous.priority !== override.priority);
        const [lead]: Array<{ state: string }> = await m.query(
          `SELECT state FROM occurrence_assignments WHERE occurrence_id = $1 AND department = $2`, [occ.id, override.lead],
        );
        if (lead.state === 'PENDING' && occ.status !== 'DISPATCHED') status = 'DISPATCHED';
      }
      const after = await this.repo.activeDepartments(m, occ.id);
      // Units of a department taken off the occurrence leave with it.
      await this.units.releaseDepartmentsOff(m, occ.id, by, now);
      await this.audit.record(m, {
        actor: by, action: 'ROUTING_OVERRIDDEN', target: `occurrence:${occ.id}`,
        details: { reference: occ.reference, rules: occ.routing.result, previous, override },
      });
      return {
        status,
        set: { override, priority: override.priority, lead_department: override.lead },
        events: [{
          type: 'ROUTING_OVERRIDDEN',
          departments: [...new Set([...before, ...after])].sort(),
          payload: { rules: occ.routing.result, previous, override },
        }],
      };
    });
  }

  acknowledge(id: string, actor: Actor, department: Department, version?: number): Promise<void> {
    return this.execute(id, actor, version, async ({ m, occ, now, by }) => {
      const isLead = department === occ.lead_department;
      const status = this.transition(occ, 'ACKNOWLEDGE', isLead);
      const state = await this.assignmentState(m, occ, department);
      if (state !== 'PENDING') {
        throw new DomainException('ILLEGAL_TRANSITION', `${department} has already acknowledged`, undefined, { status: occ.status, version: occ.version });
      }
      await m.query(
        `UPDATE occurrence_assignments SET state = 'ACKNOWLEDGED', acknowledged_at = $3, acknowledged_by = $4
          WHERE occurrence_id = $1 AND department = $2`,
        [occ.id, department, now, by],
      );
      // Its own ladder stops, lead or support (ADR 0017); the other departments' run on.
      await this.assignments.stopDeadlines(m, occ.id, department, ['ACKNOWLEDGE'], 'MET', now);
      return { status, events: [{ type: 'ACKNOWLEDGED', payload: { department, lead: isLead } }] };
    });
  }

  onScene(id: string, actor: Actor, department: Department, version?: number): Promise<void> {
    return this.execute(id, actor, version, (c) => this.departmentOnSceneChange(c, department));
  }

  /**
   * The department goes on scene inside the caller's transaction, as POST …/on-scene does (its
   * state, its deadlines stop, the ON_SCENE event): a unit of it was confirmed on scene (issue 14).
   */
  async departmentOnScene(m: EntityManager, id: string, actor: Actor, department: Department): Promise<void> {
    await this.executeIn(m, id, actor, undefined, (c) => this.departmentOnSceneChange(c, department));
  }

  private async departmentOnSceneChange({ m, occ, now, by }: CommandContext, department: Department): Promise<Change> {
    const isLead = department === occ.lead_department;
    const status = this.transition(occ, 'ON_SCENE', isLead);
    const state = await this.assignmentState(m, occ, department);
    if (state === 'ON_SCENE') {
      throw new DomainException('ILLEGAL_TRANSITION', `${department} is already on scene`, undefined, { status: occ.status, version: occ.version });
    }
    await m.query(
      `UPDATE occurrence_assignments SET state = 'ON_SCENE', on_scene_at = $3,
          acknowledged_at = coalesce(acknowledged_at, $3), acknowledged_by = coalesce(acknowledged_by, $4)
        WHERE occurrence_id = $1 AND department = $2`,
      [occ.id, department, now, by],
    );
    await this.assignments.stopDeadlines(m, occ.id, department, ['ACKNOWLEDGE', 'ON_SCENE'], 'MET', now);
    return { status, events: [{ type: 'ON_SCENE', payload: { department, lead: isLead } }] };
  }

  resolve(id: string, actor: Actor, department: Department, note: string, publicNote: string | undefined, version?: number): Promise<void> {
    return this.execute(id, actor, version, async ({ m, occ, now, by }) => {
      if (department !== occ.lead_department) {
        throw new DomainException('FORBIDDEN', `Only the lead department (${occ.lead_department}) resolves`);
      }
      const status = this.transition(occ, 'RESOLVE', true);
      await this.assignments.stopDeadlines(m, occ.id, null, null, 'MET', now);
      await this.units.releaseAll(m, occ.id, 'RESOLVED', by, now);
      return { status, set: { resolved_at: now }, events: [{ type: 'RESOLVED', payload: { department, note, publicNote: publicNote ?? null } }] };
    });
  }

  close(id: string, actor: Actor, note: string | undefined, version?: number): Promise<void> {
    requireRole(actor);
    return this.execute(id, actor, version, async ({ m, occ, now, by }) => {
      const status = this.transition(occ, 'CLOSE');
      // Resolving released them already; a unit still on it (none, normally) is freed too.
      await this.units.releaseAll(m, occ.id, 'CLOSED', by, now);
      return { status, set: { closed_at: now }, events: [{ type: 'CLOSED', payload: { note: note ?? null } }] };
    });
  }

  cancel(id: string, actor: Actor, reason: string, version?: number): Promise<void> {
    requireRole(actor);
    return this.execute(id, actor, version, async ({ m, occ, now, by }) => {
      const status = this.transition(occ, 'CANCEL');
      const departments = await this.repo.activeDepartments(m, occ.id);
      await this.assignments.releaseAll(m, occ.id, now);
      await this.units.releaseAll(m, occ.id, 'CANCELLED', by, now);
      return { status, set: { cancel_reason: reason }, events: [{ type: 'CANCELLED', departments, payload: { reason } }] };
    });
  }

  reopen(id: string, actor: Actor, reason: string, version?: number): Promise<void> {
    requireRole(actor);
    return this.execute(id, actor, version, async ({ m, occ, now }) => {
      const status = this.transition(occ, 'REOPEN');
      const departments = await this.repo.activeDepartments(m, occ.id);
      await this.assignments.releaseAll(m, occ.id, now);
      return {
        status,
        set: { resolved_at: null, closed_at: null, dispatched_at: null, triaged_at: now },
        events: [{ type: 'REOPENED', departments, payload: { reason } }],
      };
    });
  }

  merge(id: string, actor: Actor, dto: MergeDto): Promise<void> {
    requireRole(actor);
    return this.execute(id, actor, dto.version, async ({ m, occ, now, by }) => {
      const status = this.transition(occ, 'MERGE');
      if (dto.parentId === occ.id) throw this.invalidParent('cannot merge an occurrence into itself');
      const parent = await this.repo.lockById(m, dto.parentId);
      if (!parent) throw this.invalidParent('parent occurrence not found');
      if (parent.parent_id !== null || parent.status === 'MERGED') throw this.invalidParent('parent is itself merged into another');
      if (!['NEW', 'TRIAGED', 'DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE'].includes(parent.status)) {
        throw this.invalidParent(`parent is ${parent.status}, not open`);
      }
      const departments = await this.repo.activeDepartments(m, occ.id);
      await this.assignments.releaseAll(m, occ.id, now);
      await this.units.releaseAll(m, occ.id, 'MERGED', by, now);
      // Reports already linked to this one follow it to the parent.
      await m.query(`UPDATE occurrences SET parent_id = $2 WHERE parent_id = $1`, [occ.id, parent.id]);
      const [{ report_count }]: Array<{ report_count: number }> = await m.query(
        `WITH u AS (UPDATE occurrences SET report_count = report_count + $2, version = version + 1, updated_at = now() WHERE id = $1 RETURNING report_count) SELECT report_count FROM u`,
        [parent.id, occ.report_count],
      );
      return {
        status,
        set: { parent_id: parent.id },
        events: [
          { type: 'MERGED', departments, payload: { parentId: parent.id, parentReference: parent.reference, reason: dto.reason ?? null } },
          {
            type: 'REPORT_LINKED',
            occurrenceId: parent.id,
            departments: await this.repo.activeDepartments(m, parent.id),
            payload: { reportId: occ.id, reportReference: occ.reference, reportCount: report_count, merged: true },
          },
        ],
      };
    });
  }

  unmerge(id: string, actor: Actor, reason: string | undefined, version?: number): Promise<void> {
    requireRole(actor);
    return this.execute(id, actor, version, async ({ m, occ, now }) => {
      const status = this.transition(occ, 'UNMERGE');
      const parentId = occ.parent_id!;
      await this.repo.lockById(m, parentId);
      const [{ report_count }]: Array<{ report_count: number }> = await m.query(
        `WITH u AS (UPDATE occurrences SET report_count = greatest(1, report_count - $2), version = version + 1, updated_at = now() WHERE id = $1 RETURNING report_count) SELECT report_count FROM u`,
        [parentId, occ.report_count],
      );
      return {
        status,
        set: { parent_id: null, triaged_at: now },
        events: [
          { type: 'UNMERGED', payload: { parentId, reason: reason ?? null } },
          { type: 'UNMERGED', occurrenceId: parentId, departments: await this.repo.activeDepartments(m, parentId), payload: { reportId: occ.id, reportCount: report_count } },
        ],
      };
    });
  }

  addNote(id: string, actor: Actor, text: string, visibility: 'INTERNAL' | 'PUBLIC'): Promise<void> {
    requireRole(actor, NOTE_WRITERS);
    return this.execute(id, actor, undefined, async ({ occ }) => {
      this.transition(occ, 'ADD_NOTE');
      return { events: [{ type: 'NOTE_ADDED', payload: { text, visibility, department: actor.department } }] };
    });
  }

  private async execute(id: string, actor: Actor, expectedVersion: number | undefined, apply: (c: CommandContext) => Promise<Change>): Promise<void> {
    try {
      await this.ds.transaction((m) => this.executeIn(m, id, actor, expectedVersion, apply));
    } catch (err) {
      // Two commands locking the same pair of occurrences in opposite order (merge): one loses.
      if ((err as { code?: string }).code === '40P01') throw new DomainException('CONFLICT', 'Concurrent change; retry');
      throw err;
    }
  }

  /** One command in the caller's transaction: lock, check the version, change, append the events. */
  private async executeIn(m: EntityManager, id: string, actor: Actor, expectedVersion: number | undefined, apply: (c: CommandContext) => Promise<Change>): Promise<void> {
    await assertVisible(m, actor, id);
    const occ = await this.repo.lockById(m, id);
    if (!occ) throw new DomainException('NOT_FOUND', 'Occurrence not found');
    if (expectedVersion !== undefined && expectedVersion !== occ.version) {
      throw new DomainException('STALE_VERSION', `Occurrence changed since version ${expectedVersion}`, undefined, {
        status: occ.status, version: occ.version,
      });
    }
    const now = new Date();
    const by = actorLabel(actor);
    const change = await apply({ m, occ, now, by });
    const columns = Object.entries(change.set ?? {});
    const assignments = columns.map(([col], i) => {
      if (!SETTABLE.has(col)) throw new Error(`column ${col} is not settable`);
      return `${col} = $${i + 3}`;
    });
    await m.query(
      `UPDATE occurrences SET status = $2, version = version + 1, updated_at = now()${assignments.map((a) => `, ${a}`).join('')} WHERE id = $1`,
      [occ.id, change.status ?? occ.status, ...columns.map(([col, v]) => (col === 'routing' || col === 'override') && v !== null ? JSON.stringify(v) : v)],
    );
    const active = await this.repo.activeDepartments(m, occ.id);
    await this.events.append(
      m,
      change.events.map((e) => ({
        occurrenceId: e.occurrenceId ?? occ.id,
        type: e.type,
        actor: by,
        departments: e.departments ?? active,
        payload: { ...e.payload, status: change.status ?? occ.status },
      })),
    );
  }

  private transition(occ: OccurrenceRow, command: OccurrenceCommand, isLead?: boolean): OccurrenceStatus {
    try {
      return nextStatus(occ.status, command, { isLead });
    } catch (err) {
      if (err instanceof IllegalTransitionError) {
        throw new DomainException('ILLEGAL_TRANSITION', `Cannot ${command.toLowerCase().replace('_', ' ')} an occurrence that is ${occ.status}${isLead === false ? ' (as a support department)' : ''}`, undefined, {
          status: occ.status, version: occ.version,
        });
      }
      throw err;
    }
  }

  private async assignmentState(m: EntityManager, occ: OccurrenceRow, department: Department): Promise<string> {
    const rows: Array<{ state: string }> = await m.query(
      `SELECT state FROM occurrence_assignments WHERE occurrence_id = $1 AND department = $2`, [occ.id, department],
    );
    if (rows.length === 0 || rows[0].state === 'RELEASED') {
      throw new DomainException('ILLEGAL_TRANSITION', `${department} is not assigned to this occurrence`, undefined, { status: occ.status, version: occ.version });
    }
    return rows[0].state;
  }

  private invalidParent(message: string): DomainException {
    return new DomainException('VALIDATION_FAILED', message, [{ field: 'parentId', message }]);
  }
}
