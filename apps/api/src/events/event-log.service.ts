import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Department, OccurrenceEventView } from '@cgi/shared';
import type { EventPosition } from './event-position';
import { appendEvents, readEventsAfter, readTimeline, type NewEvent } from './event-log.sql';

export type { NewEvent };

/**
 * The append-only event log. Every change appends its event in the transaction of the change.
 * Readers follow the global order (tx_id, seq) and stop before the oldest transaction still
 * running, so an event whose transaction commits late is never skipped (docs/decisions).
 * The log is also the transactional outbox: the escalation worker's relay reads it the same way.
 */
@Injectable()
export class EventLogService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Appends events inside the caller's transaction. */
  append(m: EntityManager, events: NewEvent[]): Promise<void> {
    return appendEvents(m, events);
  }

  /** Events after `after`, in global order (see readEventsAfter). */
  readAfter(after: EventPosition, limit: number, departments?: Department[]): Promise<OccurrenceEventView[]> {
    return readEventsAfter(this.ds, after, limit, departments);
  }

  /** An occurrence's timeline, in order. */
  timeline(occurrenceId: string, m: EntityManager = this.ds.manager): Promise<OccurrenceEventView[]> {
    return readTimeline(m, occurrenceId);
  }
}
