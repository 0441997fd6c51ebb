import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { pgClientConfig, readEventsAfter, parsePosition, type EventPosition, type Queryable } from '../api';
import { WorkerEnv } from '../config/worker-env';
import { QueueService } from '../jobs/queue.service';
import { MetricsService } from '../metrics/metrics.service';
import { jobsForEvent } from './relay-jobs';

export const RELAY_CONSUMER = 'outbox-relay';
/** pg advisory lock key of the relay's leadership (any constant bigint). */
const RELAY_LOCK = 4_242_001;
const BATCH = 500;

/**
 * The transactional outbox relay. The event log is the outbox: every change appended its event
 * in its own transaction. One relay runs at a time (a session advisory lock on a dedicated
 * connection; when its process dies the lock goes with the connection and another worker takes
 * over). It reads after its checkpoint (same xmin rule as every reader of the log), publishes the
 * jobs the events become, then advances the checkpoint on the same connection. A crash between
 * publish and checkpoint re-publishes: the jobs' ids are deterministic, so that is a no-op.
 * NOTIFY wakes it; polling is the fallback.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private client: Client | null = null;
  private leader = false;
  private stopped = false;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private published = 0;

  constructor(
    private readonly env: WorkerEnv,
    private readonly queues: QueueService,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.client?.end().catch(() => undefined);
  }

  isLeader(): boolean {
    return this.leader;
  }

  /** Runs the relay once now (or right after the run in progress). */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.tick().finally(() => {
      this.running = null;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.wake();
      } else {
        this.schedule(this.leader ? this.env.RELAY_POLL_MS : 1000);
      }
    });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), ms);
  }

  private async tick(): Promise<void> {
    try {
      if (!this.leader && !(await this.lead())) return;
      while (!this.stopped && (await this.relayBatch()) === BATCH) {
        // a full batch: read on at once
      }
    } catch (err) {
      this.logger.warn(`relay: ${(err as Error).message}`);
      await this.resign();
    }
  }

  /** Tries to become the relay; true when this process now holds the lock. */
  private async lead(): Promise<boolean> {
    if (!this.client) {
      const client = new Client(pgClientConfig(this.env.DATABASE_URL, { application_name: 'cgi-outbox-relay' }));
      client.on('error', () => void this.resign());
      client.on('notification', () => this.wake());
      await client.connect();
      this.client = client;
    }
    const { rows } = await this.client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1) AS ok`, [RELAY_LOCK]);
    if (!rows[0].ok) return false;
    await this.client.query(`LISTEN occurrence_events`);
    await this.client.query(`INSERT INTO event_consumers (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [RELAY_CONSUMER]);
    this.leader = true;
    this.metrics.relayLeader.set(1);
    this.logger.log('this worker now runs the outbox relay');
    return true;
  }

  private async resign(): Promise<void> {
    this.leader = false;
    this.metrics.relayLeader.set(0);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  /** Publishes one batch after the checkpoint; returns how many events it read. */
  private async relayBatch(): Promise<number> {
    const c = this.client!;
    const q: Queryable = { query: async (sql, params) => (await c.query(sql, params as unknown[])).rows };
    const { rows } = await c.query<{ tx_id: string; seq: string }>(
      `SELECT tx_id::text, seq::text FROM event_consumers WHERE name = $1`, [RELAY_CONSUMER],
    );
    const after: EventPosition = { txId: BigInt(rows[0].tx_id), seq: BigInt(rows[0].seq) };
    const events = await readEventsAfter(q, after, BATCH);
    if (events.length === 0) return 0;
    await this.queues.add(events.flatMap(jobsForEvent));
    const last = parsePosition(events[events.length - 1].position)!;
    // Advanced on the lock's own connection: a relay that lost its lock cannot move the checkpoint.
    await c.query(
      `UPDATE event_consumers SET tx_id = $2::text::xid8, seq = $3, updated_at = now() WHERE name = $1`,
      [RELAY_CONSUMER, last.txId.toString(), last.seq.toString()],
    );
    const now = Date.now();
    for (const e of events) this.metrics.relayLag.observe(Math.max(0, now - Date.parse(e.at)) / 1000);
    this.published += events.length;
    this.metrics.relayPosition.set(this.published);
    return events.length;
  }
}
