import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { checkUnitKind, IllegalUnitTransitionError, nextUnitStatus, outsideServiceArea, serviceArea } from '@cgi/domain';
import type { Department, FieldError, RuleSetDocument, UnitDetail, UnitStatus, UnitView } from '@cgi/shared';
import { actorLabel, type Actor } from '../auth/actor';
import { Env } from '../config/env';
import { DomainException } from '../common/domain.exception';
import { isUniqueViolation } from '../database/pg-errors';
import { appendEvents } from '../events/event-log.sql';
import { RuleSetService } from '../rules/rule-set.service';
import type { AvailabilityDto, CreateUnitDto, ListUnitsQuery, UpdateUnitDto } from './dto/unit.dto';
import { assertUnitVisible, mayReadCrew, visibleUnitDepartments } from './unit-access';
import { UNIT_SELECT, toUnitView, unitAssignments, unitEventPayload, type UnitRow, type ViewOptions } from './unit.sql';

/** Recent assignments in a unit's detail. */
const DETAIL_ASSIGNMENTS = 20;

/** The fleet: units, their management (ADMIN, department supervisors) and their availability. */
@Injectable()
export class UnitsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly rules: RuleSetService,
    private readonly env: Env,
  ) {}

  /** How views are built for `actor` now (staleness from the rule set in force). */
  async viewOptions(actor: Actor, m: EntityManager = this.ds.manager): Promise<ViewOptions> {
    const { document } = await this.rules.active(m);
    return viewOptionsOf(actor, document);
  }

  async list(q: ListUnitsQuery, actor: Actor): Promise<UnitView[]> {
    const scope = visibleUnitDepartments(actor);
    if (scope !== 'ALL' && scope.length === 0) return [];
    const where = ['u.retired_at IS NULL'];
    const params: unknown[] = [];
    const p = (v: unknown): string => `$${params.push(v)}`;
    if (scope !== 'ALL') where.push(`u.department = ANY(${p(scope)}::text[])`);
    if (q.department?.length) where.push(`u.department = ANY(${p(q.department)}::text[])`);
    if (q.status?.length) where.push(`u.status = ANY(${p(q.status)}::text[])`);
    if (q.kind?.length) where.push(`u.kind = ANY(${p(q.kind)}::text[])`);
    const rows: UnitRow[] = await this.ds.query(`${UNIT_SELECT} WHERE ${where.join(' AND ')} ORDER BY u.department, u.callsign`, params);
    const opts = await this.viewOptions(actor);
    return rows.map((r) => toUnitView(r, opts));
  }

  async detail(id: string, actor: Actor): Promise<UnitDetail> {
    const m = this.ds.manager;
    await assertUnitVisible(m, actor, id);
    const row = await this.row(m, id);
    return { ...toUnitView(row, await this.viewOptions(actor, m)), assignments: await unitAssignments(m, id, DETAIL_ASSIGNMENTS) };
  }

  async create(dto: CreateUnitDto, actor: Actor): Promise<UnitView> {
    this.assertManager(actor, dto.department);
    const { document } = await this.rules.active();
    const errors = [...checkUnitKind(document.units, dto.kind, dto.department), ...this.checkBase(dto.homeBase)];
    if (errors.length) throw invalid(errors);
    try {
      const [{ id }]: Array<{ id: string }> = await this.ds.query(
        `INSERT INTO units (code, callsign, department, kind, home_base, home_base_address, crew)
         VALUES ($1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326)::geography, $7, $8::text[])
         RETURNING id`,
        [dto.code, dto.callsign.trim(), dto.department, dto.kind, dto.homeBase.lon, dto.homeBase.lat, dto.homeBase.address ?? null, dto.crew ?? []],
      );
      return toUnitView(await this.row(this.ds.manager, id), await this.viewOptions(actor));
    } catch (err) {
      throw duplicate(err) ?? err;
    }
  }

  async update(id: string, dto: UpdateUnitDto, actor: Actor): Promise<UnitView> {
    try {
      await this.ds.transaction(async (m) => {
        const department = await assertUnitVisible(m, actor, id);
        this.assertManager(actor, department);
        const unit = await this.lock(m, id);
        checkVersion(unit, dto.version);
        const { document } = await this.rules.active(m);
        const errors = [...(dto.kind !== undefined ? checkUnitKind(document.units, dto.kind, unit.department) : []), ...this.checkBase(dto.homeBase)];
        if (errors.length) throw invalid(errors);
        await m.query(
          `UPDATE units SET callsign = coalesce($2, callsign), kind = coalesce($3, kind),
                  home_base = CASE WHEN $4::float8 IS NULL THEN home_base ELSE ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography END,
                  home_base_address = CASE WHEN $4::float8 IS NULL THEN home_base_address ELSE $6 END,
                  crew = coalesce($7::text[], crew), version = version + 1, updated_at = now()
            WHERE id = $1`,
          [id, dto.callsign?.trim() ?? null, dto.kind ?? null, dto.homeBase?.lon ?? null, dto.homeBase?.lat ?? null, dto.homeBase?.address ?? null, dto.crew ?? null],
        );
      });
    } catch (err) {
      throw duplicate(err) ?? err;
    }
    return toUnitView(await this.row(this.ds.manager, id), await this.viewOptions(actor));
  }

  /** Retires a unit (kept for the history of its assignments, gone from lists): only when not on an occurrence. */
  async retire(id: string, actor: Actor): Promise<void> {
    await this.ds.transaction(async (m) => {
      const department = await assertUnitVisible(m, actor, id);
      this.assertManager(actor, department);
      const unit = await this.lock(m, id);
      if (unit.status === 'DISPATCHED' || unit.status === 'ON_SCENE') {
        throw new DomainException('ILLEGAL_TRANSITION', `Unit ${unit.callsign} is ${unit.status} on an occurrence: release it first`, undefined, {
          status: unit.status, version: unit.version,
        });
      }
      await m.query(`UPDATE units SET retired_at = now(), version = version + 1, updated_at = now() WHERE id = $1`, [id]);
    });
  }

  /** AVAILABLE ⇄ UNAVAILABLE (with a reason), by the unit state machine; event UNIT_STATUS_CHANGED. */
  async setAvailability(id: string, dto: AvailabilityDto, actor: Actor): Promise<UnitView> {
    const reason = dto.reason?.trim() || null;
    if (!dto.available && reason === null) throw invalid([{ field: 'reason', message: 'is required when available is false' }]);
    await this.ds.transaction(async (m) => {
      await assertUnitVisible(m, actor, id);
      const unit = await this.lock(m, id);
      checkVersion(unit, dto.version);
      const to = transition(unit, dto.available ? 'SET_AVAILABLE' : 'SET_UNAVAILABLE');
      const unavailableReason = to === 'UNAVAILABLE' ? reason : null;
      await m.query(
        `UPDATE units SET status = $2, unavailable_reason = $3, status_changed_at = now(), version = version + 1, updated_at = now() WHERE id = $1`,
        [id, to, unavailableReason],
      );
      await appendEvents(m, [{
        occurrenceId: null,
        type: 'UNIT_STATUS_CHANGED',
        actor: actorLabel(actor),
        departments: [unit.department],
        payload: { ...unitEventPayload({ ...unit, status: to, unavailable_reason: unavailableReason, version: unit.version + 1 }, unit.status, null, null, reason) },
      }]);
    });
    return toUnitView(await this.row(this.ds.manager, id), await this.viewOptions(actor));
  }

  private async row(m: EntityManager, id: string): Promise<UnitRow> {
    const rows: UnitRow[] = await m.query(`${UNIT_SELECT} WHERE u.id = $1`, [id]);
    if (rows.length === 0) throw new DomainException('NOT_FOUND', 'Unit not found');
    return rows[0];
  }

  private async lock(m: EntityManager, id: string): Promise<UnitRow> {
    const rows: UnitRow[] = await m.query(`${UNIT_SELECT} WHERE u.id = $1 AND u.retired_at IS NULL FOR UPDATE OF u`, [id]);
    if (rows.length === 0) throw new DomainException('NOT_FOUND', 'Unit not found');
    return rows[0];
  }

  /** ADMIN manages every unit; a department supervisor only its own department's. */
  private assertManager(actor: Actor, department: Department): void {
    if (actor.role === 'ADMIN') return;
    if (actor.role === 'DEPARTMENT_SUPERVISOR' && actor.department === department) return;
    if (actor.role === 'DEPARTMENT_SUPERVISOR') {
      throw new DomainException('FORBIDDEN', `A ${actor.department} supervisor manages only ${actor.department} units`, [
        { field: 'department', message: 'must be your own department' },
      ]);
    }
    throw new DomainException('FORBIDDEN', `Role ${actor.role} may not manage units`);
  }

  private checkBase(base: { lat: number; lon: number } | undefined): FieldError[] {
    return base ? outsideServiceArea(base, serviceArea(this.env.SERVICE_AREA_MAX_KM), 'homeBase') : [];
  }
}

function invalid(fields: FieldError[]): DomainException {
  return new DomainException('VALIDATION_FAILED', `Invalid request: ${fields.map((f) => f.field).join(', ')}`, fields);
}

/** 409 naming `code` or `callsign` when the insert or update hit one of their unique constraints. */
function duplicate(err: unknown): DomainException | null {
  for (const field of ['code', 'callsign'] as const) {
    if (isUniqueViolation(err, `units_${field}_key`)) {
      return new DomainException('CONFLICT', `Another unit has this ${field}`, [{ field, message: 'is already taken by another unit' }]);
    }
  }
  return null;
}

function checkVersion(unit: UnitRow, expected: number | undefined): void {
  if (expected !== undefined && expected !== unit.version) {
    throw new DomainException('STALE_VERSION', `Unit changed since version ${expected}`, undefined, { status: unit.status, version: unit.version });
  }
}

/** The unit state machine's answer, or 409 ILLEGAL_TRANSITION with the unit's status and version. */
export function transition(unit: Pick<UnitRow, 'status' | 'version'>, command: Parameters<typeof nextUnitStatus>[1], field?: string): UnitStatus {
  try {
    return nextUnitStatus(unit.status, command);
  } catch (err) {
    if (err instanceof IllegalUnitTransitionError) {
      throw new DomainException('ILLEGAL_TRANSITION', err.message, field ? [{ field, message: `unit is ${unit.status}` }] : undefined, {
        status: unit.status, version: unit.version,
      });
    }
    throw err;
  }
}

/** How views are built for `actor` now, under the rule set `document`. */
export function viewOptionsOf(actor: Actor, document: RuleSetDocument): ViewOptions {
  return { now: new Date(), staleAfterMinutes: document.units.staleAfterMinutes, crew: mayReadCrew(actor) };
}
