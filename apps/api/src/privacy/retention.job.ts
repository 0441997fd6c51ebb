import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { Env } from '../config/env';
import { bullmqConnection } from '../redis/bullmq-connection';
import { PRIVACY_QUEUE, PrivacyJob, RETENTION_SCHEDULER_ID } from './privacy.queue';
import { RetentionService } from './retention.service';

/**
 * Schedules the retention job with a BullMQ job scheduler (one job per tick, however many API
 * nodes upsert the scheduler) and consumes it in the API process (one node takes each job).
 * RETENTION_JOB_CRON=off disables both on this node.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionJob.name);
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    private readonly env: Env,
    private readonly retention: RetentionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.env.RETENTION_JOB_CRON === 'off') return;
    const connection = bullmqConnection(this.env.REDIS_URL);
    this.queue = new Queue(PRIVACY_QUEUE, { connection });
    await this.queue.upsertJobScheduler(
      RETENTION_SCHEDULER_ID,
      { pattern: this.env.RETENTION_JOB_CRON, tz: 'Europe/Lisbon' },
      { name: PrivacyJob.AnonymiseExpiredContacts, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
    this.worker = new Worker(PRIVACY_QUEUE, (job) => this.handle(job.name), { connection, concurrency: 1 });
    this.worker.on('failed', (job, err) => this.logger.error(`${job?.name ?? 'job'} failed: ${err.message}`));
  }

  /** The handler of every job of the queue; an unknown name fails loudly rather than vanishing. */
  async handle(name: string): Promise<{ anonymised: number }> {
    if (name !== PrivacyJob.AnonymiseExpiredContacts) throw new Error(`no handler for job ${name} on ${PRIVACY_QUEUE}`);
    const anonymised = await this.retention.anonymiseExpired();
    this.logger.log(`retention: ${anonymised} reporter contact(s) anonymised`);
    return { anonymised };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
