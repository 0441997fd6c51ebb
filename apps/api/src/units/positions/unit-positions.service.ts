import { Injectable } from '@nestjs/common';
import { checkPosition, type CheckedPosition } from '@cgi/domain';
import { UNIT_CODE_PATTERN, type FieldError, type PositionBatchResult, type UnitTrail } from '@cgi/shared';
import type { Actor } from '../../auth/actor';
import { DomainException } from '../../common/domain.exception';
import { Env } from '../../config/env';
import { assertUnitVisible } from '../unit-access';
import { positionLimits } from './position-limits';
import { PositionWriter } from './position-writer.service';
import { UnitCodeDirectory } from './unit-code.directory';
import { UnitPositionRepository } from './unit-position.repository';
import type { TrailQuery } from './position-batch.dto';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

const TRAIL_DEFAULT_MS = 2 * 3600_000;
const TRAIL_MAX_MS = 24 * 3600_000;
export const TRAIL_MAX_POINTS = 5000;

/** The HTTP side of AVL: batches checked whole, then the one writer; and the trail. */
@Injectable()
export class UnitPositionsService {
  constructor(
    private readonly env: Env,
    private readonly writer: PositionWriter,
    private readonly directory: UnitCodeDirectory,
    private readonly repo: UnitPositionRepository,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /**
   * Every item is checked (fields, service area, clock) and its unit resolved before anything is
   * written: one bad item refuses the batch, every error naming its item (`positions[3].lat`).
   */
  async submitBatch(items: unknown[]): Promise<PositionBatchResult> {
    const now = new Date();
    const limits = positionLimits(this.env);
    const errors: FieldError[] = [];
    const checked: Array<{ code: string; position: CheckedPosition } | null> = items.map((raw, i) => {
      const prefix = `positions[${i}].`;
      const r = checkPosition(raw, limits, now, prefix, ['unit']);
      const unit = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).unit : undefined;
      const codeOk = typeof unit === 'string' && UNIT_CODE_PATTERN.test(unit);
      if (!codeOk && typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
        errors.push({ field: `${prefix}unit`, message: 'must be a unit code (A-Z, 0-9, "-")' });
      }
      if (!r.ok) {
        errors.push(...r.errors);
        return null;
      }
      return codeOk ? { code: unit, position: r.position } : null;
    });
    const units = await this.directory.resolve(checked.map((c) => c?.code ?? '').filter((c) => c !== ''));
    const byCode = new Map(units.filter((u) => u !== null).map((u) => [u.code, u]));
    checked.forEach((c, i) => {
      if (c && !byCode.has(c.code)) errors.push({ field: `positions[${i}].unit`, message: `is not a known unit: ${c.code}` });
    });
    if (errors.length > 0) {
      const fields = errors.slice(0, 50);
      throw new DomainException('VALIDATION_FAILED', `Invalid positions, nothing was stored: ${fields.map((f) => f.field).join(', ')}`, fields);
    }
    return this.writer.write({
      transport: 'http',
      fixes: checked.map((c) => ({ unitId: byCode.get(c!.code)!.id, ...c!.position })),
    });
  }

  async trail(unitId: string, query: TrailQuery, actor: Actor): Promise<UnitTrail> {
    await assertUnitVisible(this.ds, actor, unitId);
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - TRAIL_DEFAULT_MS);
    if (from.getTime() >= to.getTime()) {
      throw new DomainException('VALIDATION_FAILED', 'Invalid request: from', [{ field: 'from', message: 'must be before to' }]);
    }
    if (to.getTime() - from.getTime() > TRAIL_MAX_MS) {
      throw new DomainException('VALIDATION_FAILED', 'Invalid request: from', [{ field: 'from', message: 'must be at most 24 hours before to' }]);
    }
    const points = await this.repo.trail(unitId, from, to, TRAIL_MAX_POINTS);
    return { unitId, from: from.toISOString(), to: to.toISOString(), points };
  }
}
