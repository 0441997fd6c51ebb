import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { open311Status } from '@cgi/domain';
import type { EventType, OccurrenceEventView, OccurrenceStatus } from '@cgi/shared';
import { Env } from '../../config/env';
import { EventLogConsumer, type Advance } from '../../events/event-log-consumer';
import { EventLogService } from '../../events/event-log.service';
import { parsePosition } from '../../events/event-position';
import { w3Date } from '../open311-format';
import { StatusCallbackQueueService } from './status-callback-queue.service';
import type { DeliverCallbacksPayload } from './status-callback.queue';

export const CONSUMER_NAME = 'open311-callbacks';
const BATCH = 200;

/** Events that may change what a citizen's request shows (its status, or its status notes). */
const STATUS_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'TRIAGED', 'DISPATCHED', 'ROUTING_OVERRIDDEN', 'ACKNOWLEDGED', 'ON_SCENE', 'RESOLVED', 'CLOSED', 'CANCELLED',
  'REOPENED', 'MERGED', 'UNMERGED', 'NOTE_ADDED',
]);

interface Target {
  id: string;
  reference: string;
  parent_id: string | null;
  parent_reference: string | null;
  parent_status: OccurrenceStatus | null;
  api_key_id: string;
  last_status: OccurrenceStatus | null;
  last_seq: number | null;
}

/** The body POSTed to the client's webhook. */
export interface StatusCallbackBody {
  service_request_id: string;
  /** The request's token (GET tokens/{token}). */
  token: string;
  sequence: number;
  event: EventType;
  status: 'open' | 'closed';
  internal_status: OccurrenceStatus;
  status_notes: string | null;
  updated_datetime: string;
  /** Set while the request is linked to the occurrence it duplicates (its status follows that one). */
  parent_service_request_id: string | null;
}

/**
 * A consumer of the event log (its checkpoint is the `open311-callbacks` row of
 * event_consumers, EventLogConsumer): turns every status change of an Open311 request — its own,
 * or its parent occurrence's when it is a linked duplicate — into a numbered callback_deliveries
 * row, in the log's order, in the transaction that moves the checkpoint; then schedules the
 * delivery jobs. It runs inside the API process, on one node at a time (the holder of a
 * PostgreSQL session advisory lock); the others keep trying to take over.
 */
@Injectable()
export class StatusCallbackRelay extends EventLogConsumer {
  protected readonly logger = new Logger('StatusCallbacks');
  private lastSweep = 0;

  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly env: Env,
    events: EventLogService,
    private readonly queue: StatusCallbackQueueService,
  ) {
    super(ds, events, { name: CONSUMER_NAME, lock: 'open311-callback-relay', batch: BATCH, pollMs: () => env.CALLBACK_POLL_MS });
  }

  protected override onLead(): void {
    this.lastSweep = 0; // a new leader sweeps at once: jobs may have been lost with the previous one
  }

  protected override async idle(): Promise<void> {
    if (Date.now() - this.lastSweep >= this.env.CALLBACK_SWEEP_MS) {
      this.lastSweep = Date.now();
      await this.sweep();
    }
  }

  /** The deliveries of a batch, stored with the checkpoint's move; then their jobs. */
  protected async deliver(events: OccurrenceEventView[], advance: Advance): Promise<void> {
    const jobs = await advance(async (m) => {
      const out: DeliverCallbacksPayload[] = [];
      const concerned = await this.withRequests(m, events);
      for (const e of events) if (e.occurrenceId && concerned.has(e.occurrenceId)) out.push(...(await this.fanOut(m, e)));
      return out;
    });
    await this.queue.enqueue(jobs);
  }

  /**
   * Of the occurrences the batch's status events concern, those with an Open311 request (their
   * own, or a linked report's) whose client has a webhook: one query per batch, so the events of
   * occurrences nobody follows by callback (most of them) cost nothing more.
   */
  private async withRequests(m: EntityManager, events: OccurrenceEventView[]): Promise<Set<string>> {
    const ids = [...new Set(events.filter((e) => e.occurrenceId && STATUS_EVENTS.has(e.type)).map((e) => e.occurrenceId!))];
    if (ids.length === 0) return new Set();
    const rows: Array<{ id: string }> = await m.query(
      `SELECT r.occurrence_id AS id
         FROM open311_requests r JOIN callback_webhooks w ON w.api_key_id = r.api_key_id
        WHERE r.occurrence_id = ANY($1::uuid[])
       UNION
       SELECT o.parent_id
         FROM occurrences o
         JOIN open311_requests r ON r.occurrence_id = o.id
         JOIN callback_webhooks w ON w.api_key_id = r.api_key_id
        WHERE o.parent_id = ANY($1::uuid[])`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** The callbacks one event causes: to the request itself and to the reports linked to it. */
  private async fanOut(m: EntityManager, e: OccurrenceEventView): Promise<DeliverCallbacksPayload[]> {
    if (!e.occurrenceId || !STATUS_EVENTS.has(e.type)) return [];
    const publicNote = noteFor(e);
    if (e.type === 'NOTE_ADDED' && publicNote === null) return [];
    const eventStatus = e.payload.status as OccurrenceStatus | undefined;
    const position = parsePosition(e.position)!;
    const targets: Target[] = await m.query(
      `SELECT o.id, o.reference, o.parent_id, p.reference AS parent_reference, p.status AS parent_status, r.api_key_id,
              last.status AS last_status, last.seq AS last_seq
         FROM occurrences o
         JOIN open311_requests r ON r.occurrence_id = o.id
         JOIN callback_webhooks w ON w.api_key_id = r.api_key_id
         LEFT JOIN occurrences p ON p.id = o.parent_id
         LEFT JOIN LATERAL (
           SELECT d.status, d.seq FROM callback_deliveries d WHERE d.occurrence_id = o.id ORDER BY d.seq DESC LIMIT 1
         ) last ON true
        WHERE o.id = $1 OR (o.parent_id = $1 AND o.created_at <= $2)`,
      [e.occurrenceId, e.at],
    );
    const jobs: DeliverCallbacksPayload[] = [];
    for (const t of targets) {
      const own = t.id === e.occurrenceId;
      if (!own && e.type === 'UNMERGED') continue; // a report leaving the parent changes nothing for the others
      // A linked report shows its parent's status; the MERGED event itself is the report's own.
      const internal: OccurrenceStatus | undefined =
        own && e.type === 'MERGED' ? (t.parent_status ?? undefined) : eventStatus;
      if (!internal) continue;
      const initial: OccurrenceStatus | null = t.parent_id ? null : 'NEW';
      if (publicNote === null && internal === (t.last_status ?? initial)) continue;
      const seq = (t.last_seq ?? 0) + 1;
      const body: StatusCallbackBody = {
        service_request_id: t.reference,
        token: t.id,
        sequence: seq,
        event: e.type,
        status: open311Status(internal),
        internal_status: internal,
        status_notes: publicNote,
        updated_datetime: w3Date(new Date(e.at))!,
        parent_service_request_id: e.type === 'UNMERGED' ? null : t.parent_reference,
      };
      const inserted: unknown[] = await m.query(
        `INSERT INTO callback_deliveries (occurrence_id, api_key_id, seq, event_tx_id, event_seq, status, body)
         VALUES ($1, $2, $3, $4::text::xid8, $5, $6, $7)
         ON CONFLICT DO NOTHING RETURNING id`,
        [t.id, t.api_key_id, seq, position.txId.toString(), position.seq.toString(), internal, JSON.stringify(body)],
      );
      if (inserted.length > 0) jobs.push({ occurrenceId: t.id, seq });
    }
    return jobs;
  }

  /** Re-schedules undelivered callbacks (a job lost with Redis, or out of attempts): same job ids. */
  private async sweep(): Promise<void> {
    const rows: Array<{ occurrence_id: string; seq: number }> = await this.ds.query(
      `SELECT occurrence_id, max(seq) AS seq FROM callback_deliveries WHERE delivered_at IS NULL GROUP BY occurrence_id LIMIT 1000`,
    );
    await this.queue.enqueue(rows.map((r) => ({ occurrenceId: r.occurrence_id, seq: Number(r.seq) })));
  }
}

/** The note for citizens an event carries: a PUBLIC note, or the public note of a resolution. */
function noteFor(e: OccurrenceEventView): string | null {
  if (e.type === 'NOTE_ADDED') return e.payload.visibility === 'PUBLIC' && typeof e.payload.text === 'string' ? e.payload.text : null;
  if (e.type === 'RESOLVED') return typeof e.payload.publicNote === 'string' ? e.payload.publicNote : null;
  return null;
}
