import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Queue, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import { Env } from '../../config/env';
import { DeliverCallbacksJob } from './deliver-callbacks.job';
import {
  callbackBackoff,
  deliverJobId,
  DELIVER_CALLBACKS_JOB,
  STATUS_CALLBACK_QUEUE,
  type DeliverCallbacksPayload,
} from './status-callback.queue';

/**
 * The status-callback queue: every API node runs a worker; jobs carry (request, seq) with a
 * deterministic id. PostgreSQL holds the deliveries; a job lost with Redis is re-added by the
 * relay's sweeper, and a job out of attempts is removed so the sweeper can add it again.
 */
@Injectable()
export class StatusCallbackQueueService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('StatusCallbacks');
  private queue: Queue<DeliverCallbacksPayload> | null = null;
  private worker: Worker<DeliverCallbacksPayload, number> | null = null;
  private readonly connections: Redis[] = [];

  constructor(
    private readonly env: Env,
    private readonly job: DeliverCallbacksJob,
  ) {}

  onApplicationBootstrap(): void {
    const connection = (): Redis => {
      const r = new Redis(this.env.REDIS_URL, { maxRetriesPerRequest: null });
      r.on('error', (err) => this.logger.warn(`redis: ${err.message}`));
      this.connections.push(r);
      return r;
    };
    this.queue = new Queue(STATUS_CALLBACK_QUEUE, { connection: connection(), prefix: this.env.CALLBACK_QUEUE_PREFIX });
    this.worker = new Worker<DeliverCallbacksPayload, number>(
      STATUS_CALLBACK_QUEUE,
      async (job: Job<DeliverCallbacksPayload>) => {
        if (job.name !== DELIVER_CALLBACKS_JOB) throw new Error(`no handler for job ${job.name}`);
        return this.job.handle(job.data);
      },
      {
        connection: connection(),
        prefix: this.env.CALLBACK_QUEUE_PREFIX,
        concurrency: 4,
        settings: {
          backoffStrategy: (attemptsMade: number) => callbackBackoff(attemptsMade, this.env.CALLBACK_BACKOFF_MS, this.env.CALLBACK_BACKOFF_MAX_MS),
        },
      },
    );
    this.worker.on('error', (err) => this.logger.warn(`worker: ${err.message}`));
  }

  async enqueue(payloads: DeliverCallbacksPayload[]): Promise<void> {
    if (!this.queue || payloads.length === 0) return;
    await this.queue.addBulk(
      payloads.map((data) => ({
        name: DELIVER_CALLBACKS_JOB,
        data,
        opts: {
          jobId: deliverJobId(data),
          attempts: this.env.CALLBACK_MAX_ATTEMPTS,
          backoff: { type: 'custom' },
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
    for (const c of this.connections) await c.quit().catch(() => c.disconnect());
    this.worker = null;
    this.queue = null;
  }
}
