import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { strictestLevel } from '@cgi/domain';
import type { OperationalLevel } from '@cgi/shared';
import { SecurityAuditService } from '../audit/security-audit.service';
import { actorLabel, type Actor } from '../auth/actor';
import { DomainException, notFound } from '../common/domain.exception';
import { EventLogService } from '../events/event-log.service';

export const CITY_SCOPE = 'CITY';

export interface OperationalLevelView {
  scope: string;
  level: OperationalLevel;
  reason: string | null;
  setBy: string;
  setAt: string;
}

/** Operational levels per parish and city-wide (governance.md §7). */
@Injectable()
export class OperationalLevelService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly events: EventLogService,
    private readonly audit: SecurityAuditService,
  ) {}

  async list(): Promise<OperationalLevelView[]> {
    const rows: Array<{ scope: string; level: OperationalLevel; reason: string | null; set_by: string; set_at: Date }> =
      await this.ds.query(`SELECT * FROM operational_levels ORDER BY scope = 'CITY' DESC, scope`);
    return rows.map((r) => ({ scope: r.scope, level: r.level, reason: r.reason, setBy: r.set_by, setAt: r.set_at.toISOString() }));
  }

  /** The level in force at a parish: the stricter of the parish's and the city's. */
  async levelAt(m: EntityManager, parishCode: string | null): Promise<OperationalLevel> {
    const rows: Array<{ level: OperationalLevel }> = await m.query(
      `SELECT level FROM operational_levels WHERE scope = 'CITY' OR scope = $1`,
      [parishCode ?? CITY_SCOPE],
    );
    return rows.reduce<OperationalLevel>((acc, r) => strictestLevel(acc, r.level), 'NORMAL');
  }

  async set(scope: string, level: OperationalLevel, reason: string, by: Actor): Promise<OperationalLevelView> {
    // Only supervisors set operational levels (checked here too, not only by the route's guard).
    if (by.role !== 'CGI_SUPERVISOR') throw new DomainException('FORBIDDEN', `Role ${by.role} may not set operational levels`);
    const actor = actorLabel(by);
    await this.ds.transaction(async (m) => {
      if (scope !== CITY_SCOPE) {
        const found: unknown[] = await m.query(`SELECT 1 FROM parishes WHERE code = $1`, [scope]);
        if (found.length === 0) throw notFound(`Parish ${scope}`);
      }
      const [previous]: Array<{ level: OperationalLevel }> = await m.query(
        `SELECT level FROM operational_levels WHERE scope = $1 FOR UPDATE`,
        [scope],
      );
      await m.query(
        `INSERT INTO operational_levels (scope, level, reason, set_by, set_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (scope) DO UPDATE SET level = EXCLUDED.level, reason = EXCLUDED.reason,
           set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`,
        [scope, level, reason, actor],
      );
      await this.events.append(m, [
        {
          occurrenceId: null,
          type: 'OPERATIONAL_LEVEL_SET',
          actor,
          departments: [],
          payload: { scope, level, previous: previous?.level ?? 'NORMAL', reason },
        },
      ]);
      await this.audit.record(m, { actor, action: 'OPERATIONAL_LEVEL_SET', target: scope, details: { level, previous: previous?.level ?? 'NORMAL', reason } });
    });
    const all = await this.list();
    return all.find((l) => l.scope === scope)!;
  }
}
