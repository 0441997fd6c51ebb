import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { validateRuleSet } from '@cgi/domain';
import type { RuleSetDocument, RuleSetView } from '@cgi/shared';
import { SecurityAuditService } from '../audit/security-audit.service';
import { actorLabel, type Actor } from '../auth/actor';
import { DomainException, notFound } from '../common/domain.exception';
import { EventLogService } from '../events/event-log.service';

interface RuleSetRow {
  version: number;
  document: RuleSetDocument;
  created_at: Date;
  created_by: string;
  comment: string | null;
  active: boolean;
}

export interface LoadedRuleSet {
  version: number;
  document: RuleSetDocument;
}

/**
 * Versioned governance rules. The newest version is in force; older ones stay for the
 * decisions that name them. Versions are immutable, so documents are cached by version.
 */
@Injectable()
export class RuleSetService {
  private readonly cache = new Map<number, RuleSetDocument>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly events: EventLogService,
    private readonly audit: SecurityAuditService,
  ) {}

  /** The rule set in force, read in the caller's transaction. */
  async active(m: EntityManager = this.ds.manager): Promise<LoadedRuleSet> {
    const [row]: Array<{ version: number }> = await m.query(`SELECT max(version) AS version FROM rule_sets`);
    if (!row?.version) throw new Error('no rule set: run the migrations and reference seed');
    return { version: row.version, document: await this.document(row.version, m) };
  }

  async document(version: number, m: EntityManager = this.ds.manager): Promise<RuleSetDocument> {
    const cached = this.cache.get(version);
    if (cached) return cached;
    const [row]: Array<{ document: RuleSetDocument }> = await m.query(`SELECT document FROM rule_sets WHERE version = $1`, [version]);
    if (!row) throw notFound(`Rule set version ${version}`);
    this.cache.set(version, row.document);
    return row.document;
  }

  async list(): Promise<RuleSetView[]> {
    const rows: RuleSetRow[] = await this.ds.query(
      `SELECT version, document, created_at, created_by, comment, version = max(version) OVER () AS active
         FROM rule_sets ORDER BY version DESC`,
    );
    return rows.map(toView);
  }

  async get(version: number): Promise<RuleSetView> {
    const rows: RuleSetRow[] = await this.ds.query(
      `SELECT version, document, created_at, created_by, comment,
              version = (SELECT max(version) FROM rule_sets) AS active
         FROM rule_sets WHERE version = $1`,
      [version],
    );
    if (rows.length === 0) throw notFound(`Rule set version ${version}`);
    return toView(rows[0]);
  }

  /** Validates the whole document, then stores it as the next version, in force at once. */
  async publish(document: unknown, comment: string | null, by: Actor): Promise<RuleSetView> {
    // Only supervisors change the rules (checked here too, not only by the route's guard).
    if (by.role !== 'CGI_SUPERVISOR') throw new DomainException('FORBIDDEN', `Role ${by.role} may not change the rules`);
    const actor = actorLabel(by);
    const checked = validateRuleSet(document);
    if (!checked.ok) {
      throw new DomainException('INVALID_RULE_SET', 'The rule set is invalid; nothing was changed', checked.errors);
    }
    const version = await this.ds.transaction(async (m) => {
      // One publisher at a time: versions are consecutive.
      await m.query(`LOCK TABLE rule_sets IN SHARE ROW EXCLUSIVE MODE`);
      const [{ next }]: Array<{ next: number }> = await m.query(`SELECT coalesce(max(version), 0) + 1 AS next FROM rule_sets`);
      await m.query(`INSERT INTO rule_sets (version, document, created_by, comment) VALUES ($1, $2::jsonb, $3, $4)`, [
        next,
        JSON.stringify(checked.document),
        actor,
        comment,
      ]);
      await this.events.append(m, [
        { occurrenceId: null, type: 'RULE_SET_PUBLISHED', actor, departments: [], payload: { version: next, comment } },
      ]);
      await this.audit.record(m, { actor, action: 'RULE_SET_PUBLISHED', target: `rule-set:${next}`, details: { version: next, comment } });
      return next;
    });
    return this.get(version);
  }
}

function toView(r: RuleSetRow): RuleSetView {
  return {
    version: r.version,
    document: r.document,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
    comment: r.comment,
    active: r.active,
  };
}
