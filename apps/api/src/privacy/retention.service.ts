import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SecurityAuditService } from '../audit/security-audit.service';
import { Env } from '../config/env';

/**
 * GDPR retention: a reporter's name, phone and email are kept while the occurrence may need
 * them, and erased RETENTION_DAYS_AFTER_CLOSURE days after it ended (CLOSED or CANCELLED; a
 * report MERGED into another ends with its parent). The row stays, with anonymised_at, so
 * the history still shows that a contact existed. Idempotent: already anonymised rows are
 * not touched again.
 */
@Injectable()
export class RetentionService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly env: Env,
    private readonly audit: SecurityAuditService,
  ) {}

  async anonymiseExpired(now: Date = new Date(), days: number = this.env.RETENTION_DAYS_AFTER_CLOSURE): Promise<number> {
    return this.ds.transaction(async (m) => {
      const rows: Array<{ occurrence_id: string }> = await m.query(
        `WITH ended AS (
           SELECT o.id,
                  CASE
                    WHEN o.status = 'CLOSED' THEN o.closed_at
                    WHEN o.status = 'CANCELLED' THEN o.updated_at
                    WHEN o.status = 'MERGED' AND p.status = 'CLOSED' THEN p.closed_at
                    WHEN o.status = 'MERGED' AND p.status = 'CANCELLED' THEN p.updated_at
                  END AS ended_at
             FROM occurrences o
             LEFT JOIN occurrences p ON p.id = o.parent_id
            WHERE o.status IN ('CLOSED', 'CANCELLED', 'MERGED')
         ), expired AS (
           UPDATE reporter_contacts rc SET name = NULL, phone = NULL, email = NULL, anonymised_at = $1
             FROM ended e
            WHERE rc.occurrence_id = e.id AND rc.anonymised_at IS NULL
              AND e.ended_at IS NOT NULL AND e.ended_at < $1::timestamptz - make_interval(days => $2)
           RETURNING rc.occurrence_id
         )
         SELECT occurrence_id FROM expired`,
        [now, days],
      );
      await this.audit.record(m, {
        actor: 'system:retention',
        action: 'PERSONAL_DATA_ANONYMISED',
        target: null,
        details: { count: rows.length, retentionDays: days, before: new Date(now.getTime() - days * 86400_000).toISOString() },
      });
      return rows.length;
    });
  }
}
