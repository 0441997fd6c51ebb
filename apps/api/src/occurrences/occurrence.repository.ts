import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  OccurrenceDetail,
  AssignmentRole,
  AssignmentState,
  AssignmentView,
  Department,
  EscalationLevel,
  OccurrenceSource,
  OccurrenceStatus,
  OccurrenceView,
  Priority,
  RoutingDecision,
  RoutingOverride,
} from '@cgi/shared';
import { insertEventsSql, params, readTimeline, toEventView, type EventRow, type NewEvent } from '../events/event-log.sql';
import { queryPrepared } from '../database/prepared-query';
import type { NewDispatch } from './assignment-writer';
import { occurrenceUnits } from '../units/unit.sql';

/** The columns of `occurrences` a command needs, read under a row lock. */
export interface OccurrenceRow {
  id: string;
  reference: string;
  category: string;
  priority: Priority;
  status: OccurrenceStatus;
  source: OccurrenceSource;
  lat: number;
  lon: number;
  parish_code: string | null;
  injuries: boolean;
  hazardous_materials: boolean;
  blocks_traffic: boolean;
  people_at_risk: number;
  lead_department: Department;
  rule_set_version: number;
  routing: RoutingDecision;
  override: RoutingOverride | null;
  report_count: number;
  parent_id: string | null;
  version: number;
}

export interface AssignmentRow {
  department: Department;
  role: AssignmentRole;
  state: AssignmentState;
}

/** A row of VIEW_SELECT: the command row's columns (bar the rule-set ones) and what a view adds. */
interface ViewRow extends Omit<OccurrenceRow, 'rule_set_version' | 'routing' | 'override'> {
  address: string | null;
  parish_name: string | null;
  description: string;
  escalation_level: EscalationLevel;
  created_at: Date;
  updated_at: Date;
  dispatched_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  assignments: Array<{
    department: Department;
    role: AssignmentRole;
    state: AssignmentState;
    assigned_at: string;
    acknowledged_at: string | null;
    on_scene_at: string | null;
    acknowledge_due_at: string | null;
    on_scene_due_at: string | null;
    resolve_due_at: string | null;
    escalation_level: EscalationLevel;
  }>;
  routing?: RoutingDecision;
  override?: RoutingOverride | null;
}

const iso = (s: string | null): string | null => (s === null ? null : new Date(s).toISOString());

/** A view's columns of the occurrence row `o` (a table alias, or a CTE returning `occurrences.*`). */
const viewColumns = (o: string): string => `
  ${o}.id, ${o}.reference, ${o}.category, ${o}.priority, ${o}.status, ${o}.source,
  ST_Y(${o}.location::geometry) AS lat, ST_X(${o}.location::geometry) AS lon,
  ${o}.address, ${o}.parish_code, p.name AS parish_name,
  ${o}.injuries, ${o}.hazardous_materials, ${o}.blocks_traffic, ${o}.people_at_risk,
  ${o}.description, ${o}.lead_department, ${o}.escalation_level, ${o}.report_count, ${o}.parent_id,
  ${o}.version, ${o}.created_at, ${o}.updated_at, ${o}.dispatched_at, ${o}.resolved_at, ${o}.closed_at,
  ${o}.routing, ${o}.override`;

/** The assignments of a view, as one json array, from the assignment rows `a` (FROM clause given). */
const assignmentsJson = (from: string): string => `
  coalesce((
    SELECT json_agg(json_build_object(
      'department', a.department, 'role', a.role, 'state', a.state, 'assigned_at', a.assigned_at,
      'acknowledged_at', a.acknowledged_at, 'on_scene_at', a.on_scene_at,
      'acknowledge_due_at', a.acknowledge_due_at, 'on_scene_due_at', a.on_scene_due_at,
      'resolve_due_at', a.resolve_due_at, 'escalation_level', a.escalation_level)
      ORDER BY array_position(ARRAY['LEAD','COORDINATOR','SUPPORT'], a.role), a.department)
    FROM ${from}), '[]'::json) AS assignments`;

export const VIEW_SELECT = `
  SELECT ${viewColumns('o')},
         ${assignmentsJson('occurrence_assignments a WHERE a.occurrence_id = o.id')}
    FROM occurrences o LEFT JOIN parishes p ON p.code = o.parish_code`;

export function toOccurrenceView(r: ViewRow): OccurrenceView {
  return {
    id: r.id,
    reference: r.reference,
    category: r.category,
    priority: r.priority,
    status: r.status,
    source: r.source,
    location: { lat: r.lat, lon: r.lon, address: r.address, parishCode: r.parish_code, parishName: r.parish_name },
    flags: {
      injuries: r.injuries,
      hazardousMaterials: r.hazardous_materials,
      blocksTraffic: r.blocks_traffic,
      peopleAtRisk: r.people_at_risk,
    },
    description: r.description,
    lead: r.lead_department,
    assignments: r.assignments.map(
      (a): AssignmentView => ({
        department: a.department,
        role: a.role,
        state: a.state,
        assignedAt: iso(a.assigned_at)!,
        acknowledgedAt: iso(a.acknowledged_at),
        onSceneAt: iso(a.on_scene_at),
        acknowledgeDueAt: iso(a.acknowledge_due_at),
        onSceneDueAt: iso(a.on_scene_due_at),
        resolveDueAt: iso(a.resolve_due_at),
        escalationLevel: a.escalation_level,
      }),
    ),
    escalationLevel: r.escalation_level,
    reportCount: r.report_count,
    parentId: r.parent_id,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    dispatchedAt: r.dispatched_at?.toISOString() ?? null,
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    closedAt: r.closed_at?.toISOString() ?? null,
  };
}

/** Everything intake stores for a new occurrence: the view's own fields, and what goes beside them. */
export interface NewOccurrence
  extends Pick<OccurrenceView, 'id' | 'reference' | 'category' | 'priority' | 'status' | 'source' | 'flags' | 'description' | 'lead' | 'parentId'> {
  location: { lat: number; lon: number; address?: string | null };
  parishCode: string | null;
  ruleSetVersion: number;
  routing: RoutingDecision;
  /** The client's Idempotency-Key, scoped by who sent it (ADR 0014), or null. */
  idempotencyKey: string | null;
  reporter: { name: string | null; phone: string | null; email: string | null } | null;
  at: Date;
  dispatch: NewDispatch | null;
  events: NewEvent[];
}

/** SQL of the occurrences feature. Raw queries on the hot paths (docs/benchmarks.md). */
@Injectable()
export class OccurrenceRepository {
  /**
   * Stores new occurrences — their rows, reporter contacts, assignments, escalation deadlines and
   * events — in ONE prepared statement (atomic on its own, or part of the caller's transaction),
   * however many there are (intake's group commit stores a batch at a time, ADR 0013), and answers
   * each stored occurrence, in order, as a reader would see it, from what the statement returned.
   */
  async insertNew(m: EntityManager, items: NewOccurrence[]): Promise<OccurrenceDetail[]> {
    const { values, p } = params();
    const col = <T>(f: (n: NewOccurrence) => T): string => p(items.map(f));
    const contacts = items.flatMap((n) => (n.reporter ? [{ id: n.id, ...n.reporter }] : []));
    const assignments = items.flatMap(({ id, dispatch }) => dispatch?.assignments.map((a) => ({ id, a, due: dispatch.due })) ?? []);
    const deadlines = items.flatMap((n) => (n.dispatch?.deadlines ?? []).map((d) => ({ n, d })));
    const sql = `
      WITH occ AS (
        INSERT INTO occurrences (id, reference, category, priority, status, source, location, address, parish_code,
            injuries, hazardous_materials, blocks_traffic, people_at_risk, description, lead_department,
            rule_set_version, routing, parent_id, created_at, updated_at, dispatched_at, idempotency_key)
        SELECT x.id, x.reference, x.category, x.priority, x.status, x.source,
               ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326)::geography, x.address, x.parish_code,
               x.injuries, x.hazardous_materials, x.blocks_traffic, x.people_at_risk, x.description, x.lead_department,
               x.rule_set_version, x.routing, x.parent_id, x.at, x.at, x.dispatched_at, x.idempotency_key
          FROM unnest(${col((n) => n.id)}::uuid[], ${col((n) => n.reference)}::text[], ${col((n) => n.category)}::text[],
                      ${col((n) => n.priority)}::text[], ${col((n) => n.status)}::text[], ${col((n) => n.source)}::text[],
                      ${col((n) => n.location.lon)}::float8[], ${col((n) => n.location.lat)}::float8[],
                      ${col((n) => n.location.address ?? null)}::text[], ${col((n) => n.parishCode)}::text[],
                      ${col((n) => n.flags.injuries)}::boolean[], ${col((n) => n.flags.hazardousMaterials)}::boolean[],
                      ${col((n) => n.flags.blocksTraffic)}::boolean[], ${col((n) => n.flags.peopleAtRisk)}::int[],
                      ${col((n) => n.description)}::text[], ${col((n) => n.lead)}::text[], ${col((n) => n.ruleSetVersion)}::int[],
                      ${col((n) => JSON.stringify(n.routing))}::jsonb[], ${col((n) => n.parentId)}::uuid[],
                      ${col((n) => n.at)}::timestamptz[], ${col((n) => (n.dispatch ? n.at : null))}::timestamptz[],
                      ${col((n) => n.idempotencyKey)}::text[])
               WITH ORDINALITY AS x(id, reference, category, priority, status, source, lon, lat, address, parish_code,
                    injuries, hazardous_materials, blocks_traffic, people_at_risk, description, lead_department,
                    rule_set_version, routing, parent_id, at, dispatched_at, idempotency_key, ord)
         ORDER BY x.ord
        RETURNING *),
      contact AS (
        INSERT INTO reporter_contacts (occurrence_id, name, phone, email)
        SELECT occ.id, x.name, x.phone, x.email
          FROM unnest(${p(contacts.map((c) => c.id))}::uuid[], ${p(contacts.map((c) => c.name))}::text[],
                      ${p(contacts.map((c) => c.phone))}::text[], ${p(contacts.map((c) => c.email))}::text[])
               AS x(occurrence_id, name, phone, email)
          JOIN occ ON occ.id = x.occurrence_id),
      a AS (
        INSERT INTO occurrence_assignments (occurrence_id, department, role, state, assigned_at,
            acknowledge_due_at, on_scene_due_at, resolve_due_at)
        SELECT occ.id, x.department, x.role, 'PENDING', occ.created_at, x.acknowledge_due_at, x.on_scene_due_at, x.resolve_due_at
          FROM unnest(${p(assignments.map((x) => x.id))}::uuid[], ${p(assignments.map((x) => x.a.department))}::text[],
                      ${p(assignments.map((x) => x.a.role))}::text[], ${p(assignments.map((x) => x.due.acknowledgeDueAt))}::timestamptz[],
                      ${p(assignments.map((x) => x.due.onSceneDueAt))}::timestamptz[], ${p(assignments.map((x) => x.due.resolveDueAt))}::timestamptz[])
               AS x(occurrence_id, department, role, acknowledge_due_at, on_scene_due_at, resolve_due_at)
          JOIN occ ON occ.id = x.occurrence_id
        RETURNING *),
      deadlines AS (
        INSERT INTO escalation_deadlines (occurrence_id, department, role, kind, level, due_at)
        SELECT occ.id, x.department, x.role, x.kind, x.level, x.due_at
          FROM unnest(${p(deadlines.map((x) => x.n.id))}::uuid[], ${p(deadlines.map((x) => x.d.department))}::text[],
                      ${p(deadlines.map((x) => x.d.role))}::text[],
                      ${p(deadlines.map((x) => x.d.kind))}::text[], ${p(deadlines.map((x) => x.d.level))}::text[],
                      ${p(deadlines.map((x) => x.d.dueAt))}::timestamptz[])
               AS x(occurrence_id, department, role, kind, level, due_at)
          JOIN occ ON occ.id = x.occurrence_id),
      e AS (${insertEventsSql(items.flatMap((n) => n.events), p, 'RETURNING *')})
      SELECT ${viewColumns('occ')},
             ${assignmentsJson('a WHERE a.occurrence_id = occ.id')},
             (SELECT json_agg(json_build_object('tx_id', e.tx_id::text, 'seq', e.seq::text, 'occurrence_id', e.occurrence_id,
                     'type', e.type, 'actor', e.actor, 'at', e.at, 'departments', e.departments, 'payload', e.payload) ORDER BY e.seq)
                FROM e WHERE e.occurrence_id = occ.id) AS timeline
        FROM occ LEFT JOIN parishes p ON p.code = occ.parish_code`;
    const rows = await queryPrepared<ViewRow & { timeline: EventRow[] | null }>(m, 'intake-write', sql, values);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return items.map((n) => {
      const row = byId.get(n.id);
      if (!row) throw new Error(`intake write did not return occurrence ${n.id}`);
      // A new occurrence has no units yet.
      return { ...toOccurrenceView(row), units: [], routing: row.routing!, override: row.override ?? null, timeline: (row.timeline ?? []).map(toEventView) };
    });
  }

  async lockById(m: EntityManager, id: string): Promise<OccurrenceRow | null> {
    const rows: OccurrenceRow[] = await m.query(
      `SELECT id, reference, category, priority, status, source,
              ST_Y(location::geometry) AS lat, ST_X(location::geometry) AS lon, parish_code,
              injuries, hazardous_materials, blocks_traffic, people_at_risk, lead_department,
              rule_set_version, routing, override, report_count, parent_id, version
         FROM occurrences WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ?? null;
  }

  async assignments(m: EntityManager, id: string): Promise<AssignmentRow[]> {
    return m.query(`SELECT department, role, state FROM occurrence_assignments WHERE occurrence_id = $1`, [id]);
  }

  /** Active (not released) assignment departments: who an event concerns. */
  async activeDepartments(m: EntityManager, id: string): Promise<Department[]> {
    const rows: Array<{ department: Department }> = await m.query(
      `SELECT department FROM occurrence_assignments WHERE occurrence_id = $1 AND state <> 'RELEASED' ORDER BY department`,
      [id],
    );
    return rows.map((r) => r.department);
  }

  async view(
    m: EntityManager,
    id: string,
  ): Promise<(OccurrenceView & { routing: RoutingDecision; override: RoutingOverride | null }) | null> {
    const rows: ViewRow[] = await m.query(`${VIEW_SELECT} WHERE o.id = $1`, [id]);
    if (rows.length === 0) return null;
    return { ...toOccurrenceView(rows[0]), routing: rows[0].routing!, override: rows[0].override ?? null };
  }

  /**
   * The occurrence as a reader sees it, with its timeline (no access check: callers do it) and
   * the units sent to it of the departments `unitScope` sees (visibleUnitDepartments).
   */
  async detail(m: EntityManager, id: string, unitScope: Department[] | 'ALL'): Promise<OccurrenceDetail | null> {
    const view = await this.view(m, id);
    return view && { ...view, units: await occurrenceUnits(m, id, unitScope), timeline: await readTimeline(m, id) };
  }

  /** The occurrence stored under a (scoped) idempotency key, if any (ADR 0014). */
  async idByIdempotencyKey(m: EntityManager, key: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await m.query(`SELECT id FROM occurrences WHERE idempotency_key = $1`, [key]);
    return rows[0]?.id ?? null;
  }

  async list(m: EntityManager, where: string[], params: unknown[], limit: number): Promise<OccurrenceView[]> {
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows: ViewRow[] = await m.query(
      `${VIEW_SELECT} ${clause} ORDER BY o.created_at DESC, o.id DESC LIMIT ${Number(limit)}`,
      params,
    );
    return rows.map(toOccurrenceView);
  }
}
