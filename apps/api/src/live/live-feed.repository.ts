import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { LiveOccurrenceEvent, OccurrenceEventView, OccurrenceView } from '@cgi/shared';
import { START_POSITION, type EventPosition } from '../events/event-position';
import { toOccurrenceView, VIEW_SELECT } from '../occurrences/occurrence.repository';

/** The name of the live relay's row in `event_consumers` (the log's consumer checkpoints). */
export const LIVE_CONSUMER = 'live-feed';

type ViewRow = Parameters<typeof toOccurrenceView>[0];

/** SQL of the live feed: occurrence views for a batch of events, the log's head, the relay checkpoint. */
@Injectable()
export class LiveFeedRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Each event with the current view of its occurrence (one query for the batch; no reporter contact data). */
  async withViews(events: OccurrenceEventView[]): Promise<LiveOccurrenceEvent[]> {
    const ids = [...new Set(events.map((e) => e.occurrenceId).filter((id): id is string => id !== null))];
    const views = new Map<string, OccurrenceView>();
    if (ids.length > 0) {
      const rows: ViewRow[] = await this.ds.query(`${VIEW_SELECT} WHERE o.id = ANY($1::uuid[])`, [ids]);
      for (const r of rows) views.set(r.id, toOccurrenceView(r));
    }
    return events.map((event) => ({ event, occurrence: event.occurrenceId ? (views.get(event.occurrenceId) ?? null) : null }));
  }

  /**
   * The newest position a reader can see now (same visibility rule as EventLogService.readAfter):
   * a snapshot read after this contains every event up to it.
   */
  async head(): Promise<EventPosition> {
    const rows: Array<{ tx_id: string; seq: string }> = await this.ds.query(
      `SELECT e.tx_id::text AS tx_id, e.seq::text AS seq FROM occurrence_events e
        WHERE e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.tx_id DESC, e.seq DESC LIMIT 1`,
    );
    return rows[0] ? { txId: BigInt(rows[0].tx_id), seq: BigInt(rows[0].seq) } : START_POSITION;
  }

  /** Where the relay got to (the beginning when it never ran). */
  async checkpoint(): Promise<EventPosition> {
    const rows: Array<{ tx_id: string; seq: string }> = await this.ds.query(
      `SELECT tx_id::text AS tx_id, seq::text AS seq FROM event_consumers WHERE name = $1`,
      [LIVE_CONSUMER],
    );
    return rows[0] ? { txId: BigInt(rows[0].tx_id), seq: BigInt(rows[0].seq) } : START_POSITION;
  }

  /** Records that every event up to `p` was published; never moves back. */
  async saveCheckpoint(p: EventPosition): Promise<void> {
    await this.ds.query(
      `INSERT INTO event_consumers (name, tx_id, seq, updated_at) VALUES ($1, $2::text::xid8, $3::bigint, now())
       ON CONFLICT (name) DO UPDATE SET tx_id = excluded.tx_id, seq = excluded.seq, updated_at = now()
        WHERE (event_consumers.tx_id, event_consumers.seq) < (excluded.tx_id, excluded.seq)`,
      [LIVE_CONSUMER, p.txId.toString(), p.seq.toString()],
    );
  }
}
