import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ReportPublication } from '@cgi/shared';
import { actorLabel, type Actor } from '../../auth/actor';
import { SecurityAuditService } from '../../audit/security-audit.service';
import { DomainException } from '../../common/domain.exception';

interface Row {
  id: string;
  reference: string;
  description_public_at: Date | null;
  description_public_by: string | null;
}

const view = (r: Row): ReportPublication => ({
  occurrenceId: r.id,
  reference: r.reference,
  descriptionPublic: r.description_public_at !== null,
  publicAt: r.description_public_at?.toISOString() ?? null,
  publicBy: r.description_public_by,
});

/**
 * The CGI's moderation of what citizens wrote (ADR 0020): a report's description, photo and
 * house-level location are public on Open311 only once an operator or supervisor has read it and
 * made it public. Each decision is in the security audit log, in the same transaction.
 */
@Injectable()
export class ReportPublicationService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: SecurityAuditService,
  ) {}

  async get(id: string): Promise<ReportPublication> {
    const [row]: Row[] = await this.ds.query(
      `SELECT id, reference, description_public_at, description_public_by FROM occurrences WHERE id = $1`, [id],
    );
    if (!row) throw new DomainException('NOT_FOUND', 'Occurrence not found');
    return view(row);
  }

  /** Makes the report public (keeping who did it first, if it already was) or withdraws it. */
  async set(id: string, descriptionPublic: boolean, actor: Actor): Promise<ReportPublication> {
    const by = actorLabel(actor);
    return this.ds.transaction(async (m) => {
      const [before]: Row[] = await m.query(
        `SELECT id, reference, description_public_at, description_public_by FROM occurrences WHERE id = $1 FOR UPDATE`, [id],
      );
      if (!before) throw new DomainException('NOT_FOUND', 'Occurrence not found');
      if ((before.description_public_at !== null) === descriptionPublic) return view(before);
      const [after]: Row[] = await m.query(
        `WITH u AS (
           UPDATE occurrences
              SET description_public_at = CASE WHEN $2 THEN now() END, description_public_by = CASE WHEN $2 THEN $3 END
            WHERE id = $1
           RETURNING id, reference, description_public_at, description_public_by
         ) SELECT * FROM u`,
        [id, descriptionPublic, by],
      );
      await this.audit.record(m, {
        actor: by,
        action: descriptionPublic ? 'REPORT_MADE_PUBLIC' : 'REPORT_WITHDRAWN_FROM_PUBLIC',
        target: `occurrence:${id}`,
        details: { reference: after.reference },
      });
      return view(after);
    });
  }
}
