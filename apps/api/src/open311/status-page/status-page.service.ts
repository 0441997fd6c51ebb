import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Department, OccurrenceStatus } from '@cgi/shared';
import { EventLogService } from '../../events/event-log.service';
import { RuleSetService } from '../../rules/rule-set.service';
import { statusTokenMatches } from './status-token';

/** What the public status page shows: no description, address or contact — nothing personal. */
export interface StatusPageView {
  reference: string;
  serviceName: string;
  status: OccurrenceStatus;
  /** Set when the report is linked to the occurrence it duplicates (whose status it shows). */
  linkedTo: string | null;
  department: string | null;
  parish: string | null;
  requestedAt: Date;
  updatedAt: Date;
  expectedAt: Date | null;
  notes: Array<{ at: Date; text: string }>;
}

interface Row {
  id: string;
  token_hash: string;
  effective_id: string;
  parent_reference: string | null;
  category: string;
  status: OccurrenceStatus;
  lead_department: Department;
  department: string | null;
  parish: string | null;
  created_at: Date;
  updated_at: Date;
  resolve_due_at: Date | null;
}

/** The citizen's page: found by reference + secret token, never by reference alone. */
@Injectable()
export class StatusPageService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly events: EventLogService,
    private readonly rules: RuleSetService,
  ) {}

  /** The row when the token matches the reference's, else null (the same answer for both cases). */
  private async find(reference: string, token: string): Promise<Row | null> {
    const [row]: Row[] = await this.ds.query(
      `SELECT o.id, t.token_hash, e.id AS effective_id, CASE WHEN o.parent_id IS NOT NULL THEN e.reference END AS parent_reference,
              o.category, e.status, e.lead_department, d.name AS department, ph.name AS parish,
              o.created_at, greatest(o.updated_at, e.updated_at) AS updated_at, a.resolve_due_at
         FROM occurrences o
         JOIN status_page_tokens t ON t.occurrence_id = o.id
         JOIN occurrences e ON e.id = coalesce(o.parent_id, o.id)
         LEFT JOIN departments d ON d.code = e.lead_department
         LEFT JOIN parishes ph ON ph.code = o.parish_code
         LEFT JOIN occurrence_assignments a ON a.occurrence_id = e.id AND a.department = e.lead_department AND a.state <> 'RELEASED'
        WHERE o.reference = $1`,
      [reference],
    );
    if (!row || !statusTokenMatches(token, row.token_hash)) return null;
    return row;
  }

  async view(reference: string, token: string): Promise<StatusPageView | null> {
    const row = await this.find(reference, token);
    if (!row) return null;
    const { document } = await this.rules.active();
    const timeline = await this.events.timeline(row.effective_id);
    const notes = timeline.flatMap((e) => {
      if (e.type === 'NOTE_ADDED' && e.payload.visibility === 'PUBLIC' && typeof e.payload.text === 'string') return [{ at: new Date(e.at), text: e.payload.text }];
      if (e.type === 'RESOLVED' && typeof e.payload.publicNote === 'string') return [{ at: new Date(e.at), text: e.payload.publicNote }];
      return [];
    });
    return {
      reference,
      serviceName: document.categories.find((c) => c.code === row.category)?.name ?? row.category,
      status: row.status,
      linkedTo: row.parent_reference,
      department: row.department,
      parish: row.parish,
      requestedAt: row.created_at,
      updatedAt: row.updated_at,
      expectedAt: row.resolve_due_at,
      notes,
    };
  }

  /**
   * A citizen's follow-up comment: written to the timeline of the occurrence being worked on
   * (the parent of a linked report), for the departments on it — or its lead once closed, as a
   * closed occurrence may be reopened on it by the CGI. False when reference/token do not match.
   */
  async comment(reference: string, token: string, text: string): Promise<boolean> {
    const row = await this.find(reference, token);
    if (!row) return false;
    await this.ds.transaction(async (m) => {
      const [occ]: Array<{ lead_department: Department }> = await m.query(
        `SELECT lead_department FROM occurrences WHERE id = $1 FOR UPDATE`, [row.effective_id],
      );
      const active: Array<{ department: Department }> = await m.query(
        `SELECT department FROM occurrence_assignments WHERE occurrence_id = $1 AND state <> 'RELEASED' ORDER BY department`,
        [row.effective_id],
      );
      const departments = active.length > 0 ? active.map((a) => a.department) : [occ.lead_department];
      await m.query(`UPDATE occurrences SET version = version + 1, updated_at = now() WHERE id = $1`, [row.effective_id]);
      const [{ status }]: Array<{ status: OccurrenceStatus }> = await m.query(`SELECT status FROM occurrences WHERE id = $1`, [row.effective_id]);
      await this.events.append(m, [{
        occurrenceId: row.effective_id,
        type: 'NOTE_ADDED',
        actor: `CITIZEN:${reference}`,
        departments,
        payload: { text, visibility: 'CITIZEN', department: null, reportReference: reference, status },
      }]);
    });
    return true;
  }
}
