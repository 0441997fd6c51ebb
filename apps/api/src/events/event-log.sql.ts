import type { Department, EventType, OccurrenceEventView } from '@cgi/shared';
import { formatPosition, type EventPosition } from './event-position';

/**
 * The event log's SQL as plain functions, shared by the API's EventLogService and the escalation
 * worker's outbox relay, so both read and write the log the same way.
 */

/** Anything that runs a query: a TypeORM DataSource or EntityManager. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

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
export const EVENT_COLUMNS = `e.tx_id::text AS tx_id, e.seq::text AS seq, e.occurrence_id, e.type, e.actor, e.at, e.departments, e.payload`;

export function toEventView(r: EventRow): OccurrenceEventView {
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

/** Appends events inside the caller's transaction (pass its EntityManager). */
export async function appendEvents(m: Queryable, events: NewEvent[]): Promise<void> {
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
export async function readEventsAfter(
  q: Queryable,
  after: EventPosition,
  limit: number,
  departments?: Department[],
): Promise<OccurrenceEventView[]> {
  const params: unknown[] = [after.txId.toString(), after.seq.toString(), limit];
  let filter = '';
  if (departments) {
    params.push(departments);
    filter = `AND e.departments && $4::text[]`;
  }
  const rows = (await q.query(
    `SELECT ${EVENT_COLUMNS} FROM occurrence_events e
      WHERE (e.tx_id, e.seq) > ($1::text::xid8, $2::bigint)
        AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ${filter}
      ORDER BY e.tx_id, e.seq
      LIMIT $3`,
    params,
  )) as EventRow[];
  return rows.map(toEventView);
}

/** An occurrence's timeline, in order. */
export async function readTimeline(q: Queryable, occurrenceId: string): Promise<OccurrenceEventView[]> {
  const rows = (await q.query(
    `SELECT ${EVENT_COLUMNS} FROM occurrence_events e WHERE e.occurrence_id = $1 ORDER BY e.tx_id, e.seq`,
    [occurrenceId],
  )) as EventRow[];
  return rows.map(toEventView);
}
