import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { Env } from '../../config/env';
import { UnitPositionRepository } from './unit-position.repository';

/** The queue of the AVL history's pruning and its one job name. */
export const UNIT_POSITIONS_QUEUE = 'cgi-unit-positions';
export const PRUNE_JOB = 'prune-unit-positions';
/** Upserted on every boot: one scheduler, however many nodes. */
export const PRUNE_SCHEDULER_ID = 'unit-positions-prune';

const connectionOf = (url: string): ConnectionOptions => {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
};

/**
 * Retention of the AVL history: positions older than UNIT_POSITION_RETENTION_DAYS are deleted,
 * in chunks, by a BullMQ repeatable job (UNIT_POSITION_PRUNE_CRON, hourly by default; one job per
 * tick across nodes, run by one node), like the privacy retention job. "off" disables it on a node.
 */
@Injectable()
export class UnitPositionRetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UnitPositionRetention');
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    private readonly env: Env,
    private readonly repo: UnitPositionRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.env.UNIT_POSITION_PRUNE_CRON === 'off') return;
    const connection = connectionOf(this.env.REDIS_URL);
    this.queue = new Queue(UNIT_POSITIONS_QUEUE, { connection });
    await this.queue.upsertJobScheduler(
      PRUNE_SCHEDULER_ID,
      { pattern: this.env.UNIT_POSITION_PRUNE_CRON, tz: 'Europe/Lisbon' },
      { name: PRUNE_JOB, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
    this.worker = new Worker(UNIT_POSITIONS_QUEUE, (job) => this.handle(job.name), { connection, concurrency: 1 });
    this.worker.on('failed', (job, err) => this.logger.error(`${job?.name ?? 'job'} failed: ${err.message}`));
  }

  async handle(name: string): Promise<{ deleted: number }> {
    if (name !== PRUNE_JOB) throw new Error(`no handler for job ${name} on ${UNIT_POSITIONS_QUEUE}`);
    return { deleted: await this.prune() };
  }

  /** Deletes the positions older than the retention (as of `now`); answers how many. */
  async prune(now: Date = new Date(), days: number = this.env.UNIT_POSITION_RETENTION_DAYS): Promise<number> {
    const deleted = await this.repo.pruneBefore(new Date(now.getTime() - days * 86400_000));
    if (deleted > 0) this.logger.log(`unit positions: ${deleted} older than ${days} days deleted`);
    return deleted;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
