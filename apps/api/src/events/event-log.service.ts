import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Department, EventType, OccurrenceEventView } from '@cgi/shared';
import { formatPosition, type EventPosition } from './event-position';

export interface NewEvent {
  occurrenceId: string | null;
  type: EventType;
  actor: string;
  departments: Department[];
  payload: Record<string, unknown>;
}

interface EventRow {
  tx_id: string;
  seq: string;
  occurrence_id: string | null;
  type: EventType;
  actor: string;
  at: Date;
  departments: Department[];
  payload: Record<string, unknown>;
}

// Positions leave as text (xid8 and bigint exceed JS numbers); ORDER BY names the table's columns, not these aliases.
const COLUMNS = `e.tx_id::text AS tx_id, e.seq::text AS seq, e.occurrence_id, e.type, e.actor, e.at, e.departments, e.payload`;

function toView(r: EventRow): OccurrenceEventView {
  return {
    position: formatPosition({ txId: BigInt(r.tx_id), seq: BigInt(r.seq) }),
    occurrenceId: r.occurrence_id,
    type: r.type,
    actor: r.actor,
    at: r.at.toISOString(),
    departments: r.departments,
    payload: r.payload,
  };
}

/**
 * The append-only event log. Every change appends its event in the transaction of the change.
 * Readers follow the global order (tx_id, seq) and stop before the oldest transaction still
 * running, so an event whose transaction commits late is never skipped (docs/decisions).
 */
@Injectable()
export class EventLogService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Appends events inside the caller's transaction. */
  async append(m: EntityManager, events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const rows = events.map((e, i) => {
      values.push(e.occurrenceId, e.type, e.actor, e.departments, JSON.stringify(e.payload));
      const b = i * 5;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::text[], $${b + 5}::jsonb)`;
    });
    await m.query(
      `INSERT INTO occurrence_events (occurrence_id, type, actor, departments, payload) VALUES ${rows.join(', ')}`,
      values,
    );
  }

  /**
   * Events after `after`, in global order, only from transactions that can no longer be
   * overtaken by one still in flight. `departments` restricts to events concerning them.
   */
  async readAfter(after: EventPosition, limit: number, departments?: Department[]): Promise<OccurrenceEventView[]> {
    const params: unknown[] = [after.txId.toString(), after.seq.toString(), limit];
    let filter = '';
    if (departments) {
      params.push(departments);
      filter = `AND e.departments && $4::text[]`;
    }
    const rows: EventRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM occurrence_events e
        WHERE (e.tx_id, e.seq) > ($1::text::xid8, $2::bigint)
          AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
          ${filter}
        ORDER BY e.tx_id, e.seq
        LIMIT $3`,
      params,
    );
    return rows.map(toView);
  }

  /** An occurrence's timeline, in order. */
  async timeline(occurrenceId: string, m: EntityManager = this.ds.manager): Promise<OccurrenceEventView[]> {
    const rows: EventRow[] = await m.query(
      `SELECT ${COLUMNS} FROM occurrence_events e WHERE e.occurrence_id = $1 ORDER BY e.tx_id, e.seq`,
      [occurrenceId],
    );
    return rows.map(toView);
  }
}
