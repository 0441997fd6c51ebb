import type { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { OccurrenceEventView } from '@cgi/shared';
import type { EventLogService } from './event-log.service';
import { parsePosition } from './event-position';

/** The checkpoint a batch was read from (the consumer's event_consumers row). */
interface Checkpoint {
  tx_id: string;
  seq: string;
}

/**
 * Moves the consumer's checkpoint past the batch, in a transaction that also runs `within` (what
 * the consumer stores with it), only if the checkpoint is still where the batch was read from
 * (compare-and-set): another node that took over meanwhile makes it throw.
 */
export type Advance = <T>(within: (m: EntityManager) => Promise<T>) => Promise<T>;

/**
 * A consumer of the event log inside the API process, on one node at a time: the holder of a
 * PostgreSQL session advisory lock reads the log after its checkpoint (a row of event_consumers)
 * in batches, hands each batch to `deliver`, which moves the checkpoint (`advance`) once the batch
 * is taken care of; the other nodes keep trying to take over. The log is read outside any
 * transaction, so an idle consumer never holds back the other readers of the log. A failed pass
 * resigns the lead and comes back after `retryDelay` (the next pass re-reads from the checkpoint:
 * at least once). With `wakeOnNotify`, the leader LISTENs to the log's NOTIFY and reads at once
 * instead of waiting for its next poll. Used by the Open311 status callbacks and the Urban
 * Platform publisher.
 */
export abstract class EventLogConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  protected abstract readonly logger: Logger;
  private leader: QueryRunner | null = null;
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private stopped = false;
  private notified = false;
  /** Consecutive failed passes (0 after a good one). */
  protected failures = 0;
  private readonly onNotify = (): void => this.wake();

  constructor(
    protected readonly ds: DataSource,
    protected readonly events: EventLogService,
    private readonly options: {
      /** The consumer's row in event_consumers (inserted by its migration). */
      name: string;
      /** The advisory lock (hashtext of it) only the leader holds. */
      lock: string;
      batch: number;
      pollMs: () => number;
      wakeOnNotify?: boolean;
    },
  ) {}

  /** Whether this node runs the consumer at all (configuration). */
  protected enabled(): boolean {
    return true;
  }

  /** Takes care of one batch and calls `advance` (once) when the checkpoint may move past it. */
  protected abstract deliver(events: OccurrenceEventView[], advance: Advance): Promise<void>;

  /** Work between passes while leading (a sweep); runs after the log is drained. */
  protected async idle(): Promise<void> {
    // nothing by default
  }

  /** After a new leadership is won (a new leader may have to redo what the previous one lost). */
  protected onLead(): void {
    // nothing by default
  }

  /** The wait before the next pass after `failures` failed ones in a row. */
  protected retryDelay(failures: number): number {
    void failures;
    return this.options.pollMs();
  }

  onApplicationBootstrap(): void {
    if (this.enabled()) this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
    await this.resign();
  }

  /** One pass: lead if possible, consume what is new, then the idle work. Also called by tests. */
  async tick(): Promise<void> {
    if (!(await this.lead())) return;
    try {
      this.notified = false;
      while (!this.stopped && (await this.consumeBatch()) === this.options.batch) {
        // keep going while full batches come back
      }
      await this.idle();
      this.failures = 0;
    } catch (err) {
      this.failures++;
      this.logger.warn(`${this.options.name}: ${(err as Error).message}`);
      await this.resign();
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.current = this.tick().finally(() => {
        this.current = null;
        // A NOTIFY during the pass: read again at once (what it announced may be past the batch read).
        this.schedule(this.failures > 0 ? this.retryDelay(this.failures) : this.notified ? 0 : this.options.pollMs());
      });
    }, delay);
  }

  /** A NOTIFY: the next pass now, unless one is running (it reads again when it ends) or backing off. */
  private wake(): void {
    this.notified = true;
    if (this.current || this.failures > 0 || this.stopped) return;
    this.schedule(0);
  }

  private async lead(): Promise<boolean> {
    if (this.leader) return true;
    const runner = this.ds.createQueryRunner();
    try {
      await runner.connect();
      const [{ ok }]: Array<{ ok: boolean }> = await runner.query(`SELECT pg_try_advisory_lock(hashtext($1), 0) AS ok`, [this.options.lock]);
      if (ok) {
        this.leader = runner;
        if (this.options.wakeOnNotify) {
          await runner.query(`LISTEN occurrence_events`);
          pgClient(runner)?.on('notification', this.onNotify);
        }
        this.onLead();
        return true;
      }
    } catch (err) {
      this.logger.warn(`${this.options.name} leadership: ${(err as Error).message}`);
    }
    await runner.release().catch(() => undefined);
    return false;
  }

  protected async resign(): Promise<void> {
    const runner = this.leader;
    this.leader = null;
    if (!runner) return;
    if (this.options.wakeOnNotify) {
      pgClient(runner)?.removeListener('notification', this.onNotify);
      await runner.query(`UNLISTEN occurrence_events`).catch(() => undefined);
    }
    await runner.query(`SELECT pg_advisory_unlock(hashtext($1), 0)`, [this.options.lock]).catch(() => undefined);
    await runner.release().catch(() => undefined);
  }

  /** Reads one batch after the checkpoint and delivers it; returns how many events it read. */
  private async consumeBatch(): Promise<number> {
    const { name, batch } = this.options;
    const [cp]: Checkpoint[] = await this.ds.query(`SELECT tx_id::text AS tx_id, seq::text AS seq FROM event_consumers WHERE name = $1`, [name]);
    if (!cp) throw new Error(`event_consumers has no ${name} row: run the migrations`);
    const events = await this.events.readAfter({ txId: BigInt(cp.tx_id), seq: BigInt(cp.seq) }, batch);
    if (events.length === 0) return 0;
    const last = parsePosition(events[events.length - 1].position)!;
    let advanced = false;
    const advance: Advance = (within) => {
      if (advanced) throw new Error('a batch moves the checkpoint once');
      advanced = true;
      return this.ds.transaction(async (m) => {
        const moved: unknown[] = await m.query(
          `UPDATE event_consumers SET tx_id = $2::text::xid8, seq = $3, updated_at = now()
            WHERE name = $1 AND tx_id = $4::text::xid8 AND seq = $5 RETURNING name`,
          [name, last.txId.toString(), last.seq.toString(), cp.tx_id, cp.seq],
        );
        if (moved.length === 0) throw new Error(`the checkpoint moved under this node: another node is consuming ${name}`);
        return within(m);
      });
    };
    await this.deliver(events, advance);
    if (!advanced) throw new Error(`${name} did not move its checkpoint past a batch`);
    return events.length;
  }
}

/** The pg client under a TypeORM query runner (for LISTEN). */
function pgClient(runner: QueryRunner): { on: (e: 'notification', f: () => void) => void; removeListener: (e: 'notification', f: () => void) => void } | null {
  const c = (runner as unknown as { databaseConnection?: { on?: unknown } }).databaseConnection;
  return c && typeof c.on === 'function' ? (c as unknown as ReturnType<typeof pgClient>) : null;
}
