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

export interface EventRow {
  tx_id: string;
  seq: string;
  occurrence_id: string | null;
  type: EventType;
  actor: string;
  at: Date | string; // a string when the row comes through json
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
    at: new Date(r.at).toISOString(),
    departments: r.departments,
    payload: r.payload,
  };
}

/** Adds a query parameter and answers its placeholder (`$n`). */
export type Param = (value: unknown) => string;

/** A collector of positional parameters for a statement built in pieces. */
export function params(): { values: unknown[]; p: Param } {
  const values: unknown[] = [];
  return { values, p: (v) => `$${values.push(v)}` };
}

/**
 * The one statement that appends events, in order (`seq` follows the list), usable on its own or
 * as a data-modifying CTE of a larger statement (intake writes everything in one statement).
 */
export function insertEventsSql(events: NewEvent[], p: Param, returning = ''): string {
  return `INSERT INTO occurrence_events (occurrence_id, type, actor, departments, payload)
    SELECT e.occurrence_id, e.type, e.actor, ARRAY(SELECT jsonb_array_elements_text(e.departments)), e.payload
      FROM unnest(${p(events.map((e) => e.occurrenceId))}::uuid[], ${p(events.map((e) => e.type))}::text[],
                  ${p(events.map((e) => e.actor))}::text[], ${p(events.map((e) => JSON.stringify(e.departments)))}::jsonb[],
                  ${p(events.map((e) => JSON.stringify(e.payload)))}::jsonb[])
           WITH ORDINALITY AS e(occurrence_id, type, actor, departments, payload, ord)
     ORDER BY e.ord ${returning}`;
}

/** Appends events inside the caller's transaction (pass its EntityManager). */
export async function appendEvents(m: Queryable, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const { values, p } = params();
  await m.query(insertEventsSql(events, p), values);
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
