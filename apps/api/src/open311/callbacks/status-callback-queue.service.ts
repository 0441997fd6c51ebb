import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Env } from '../../config/env';
import { DeliverCallbacksJob } from './deliver-callbacks.job';
import {
  deliverJobId,
  DELIVER_CALLBACKS_JOB,
  STATUS_CALLBACK_QUEUE,
  type DeliverCallbacksPayload,
} from './status-callback.queue';
import { startWebhookQueue, webhookJobOptions, type WebhookQueue } from './webhook-queue';

/**
 * The status-callback queue: every API node runs a worker; jobs carry (request, seq) with a
 * deterministic id. PostgreSQL holds the deliveries; a job lost with Redis is re-added by the
 * relay's sweeper, and a job out of attempts is removed so the sweeper can add it again.
 */
@Injectable()
export class StatusCallbackQueueService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('StatusCallbacks');
  private running: WebhookQueue<DeliverCallbacksPayload> | null = null;

  constructor(
    private readonly env: Env,
    private readonly job: DeliverCallbacksJob,
  ) {}

  onApplicationBootstrap(): void {
    this.running = startWebhookQueue<DeliverCallbacksPayload>(this.env, STATUS_CALLBACK_QUEUE, this.logger, 4, async (job: Job<DeliverCallbacksPayload>) => {
      if (job.name !== DELIVER_CALLBACKS_JOB) throw new Error(`no handler for job ${job.name}`);
      return this.job.handle(job.data);
    });
  }

  async enqueue(payloads: DeliverCallbacksPayload[]): Promise<void> {
    if (!this.running || payloads.length === 0) return;
    await this.running.queue.addBulk(payloads.map((data) => ({ name: DELIVER_CALLBACKS_JOB, data, opts: webhookJobOptions(this.env, deliverJobId(data)) })));
  }

  async onModuleDestroy(): Promise<void> {
    await this.running?.close();
    this.running = null;
  }
}
