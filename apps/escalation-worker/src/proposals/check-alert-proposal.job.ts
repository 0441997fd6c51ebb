import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { strictestLevel } from '@cgi/domain';
import type { OperationalLevel, RuleSetDocument } from '@cgi/shared';
import { appendEvents } from '../api';
import { WORKER_ACTOR } from '../escalation/fire-deadline.job';
import type { JobHandler } from '../jobs/job-handler';
import { JobName, type JobPayloads } from '../jobs/job-names';

/**
 * Governance.md §7: when 5 or more P1/P2 occurrences of civil-protection categories open in one
 * parish within 60 minutes (numbers from the rule set), propose ALERT to the supervisor — once per
 * window: under a per-parish advisory lock, no proposal is written while one from the last window
 * stands, nor when the parish is already above NORMAL.
 */
@Injectable()
export class CheckAlertProposalJob implements JobHandler<JobName.CheckAlertProposal> {
  readonly jobName = JobName.CheckAlertProposal;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async handle({ occurrenceId }: JobPayloads[JobName.CheckAlertProposal]): Promise<void> {
    const [occ]: Array<{ parish_code: string | null; category: string; priority: string; document: RuleSetDocument }> = await this.ds.query(
      `SELECT o.parish_code, o.category, o.priority, r.document FROM occurrences o
         JOIN rule_sets r ON r.version = o.rule_set_version WHERE o.id = $1`,
      [occurrenceId],
    );
    if (!occ?.parish_code) return;
    const { alertProposal } = occ.document;
    const civil = occ.document.categories.filter((c) => c.civilProtection).map((c) => c.code);
    if (!civil.includes(occ.category) || !alertProposal.priorities.includes(occ.priority as never)) return;
    await this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('alert-proposal'), hashtext($1))`, [occ.parish_code]);
      const levels: Array<{ level: OperationalLevel }> = await m.query(
        `SELECT level FROM operational_levels WHERE scope IN ('CITY', $1)`, [occ.parish_code],
      );
      if (levels.reduce<OperationalLevel>((acc, r) => strictestLevel(acc, r.level), 'NORMAL') !== 'NORMAL') return;
      const recent: unknown[] = await m.query(
        `SELECT 1 FROM operational_level_proposals WHERE scope = $1 AND proposed_at > now() - make_interval(mins => $2)`,
        [occ.parish_code, alertProposal.windowMinutes],
      );
      if (recent.length > 0) return;
      const [{ n }]: Array<{ n: number }> = await m.query(
        `SELECT count(*)::int AS n FROM occurrences
          WHERE parish_code = $1 AND created_at > now() - make_interval(mins => $2)
            AND priority = ANY($3::text[]) AND category = ANY($4::text[]) AND status NOT IN ('CANCELLED', 'MERGED')`,
        [occ.parish_code, alertProposal.windowMinutes, alertProposal.priorities, civil],
      );
      if (n < alertProposal.minOccurrences) return;
      await m.query(
        `INSERT INTO operational_level_proposals (scope, level, occurrence_count, window_minutes) VALUES ($1, 'ALERT', $2, $3)`,
        [occ.parish_code, n, alertProposal.windowMinutes],
      );
      await appendEvents(m, [{
        occurrenceId: null,
        type: 'OPERATIONAL_LEVEL_PROPOSED',
        actor: WORKER_ACTOR,
        departments: ['CGI', 'CIVIL_PROTECTION'],
        payload: {
          scope: occ.parish_code, level: 'ALERT', occurrenceCount: n, windowMinutes: alertProposal.windowMinutes,
          reason: `${n} P1/P2 civil-protection occurrences in ${alertProposal.windowMinutes} min`,
        },
      }]);
    });
  }
}
