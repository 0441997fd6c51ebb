import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { Queue, type JobsOptions } from 'bullmq';
import { WorkerEnv } from '../config/worker-env';
import { MetricsService } from '../metrics/metrics.service';
import { JOB_QUEUE, JobName, QueueName, type JobPayloads } from './job-names';
import { redisOptions } from './redis-options';

export interface NewJob<N extends JobName> {
  name: N;
  data: JobPayloads[N];
  opts: JobsOptions & { jobId: string };
}

/**
 * The worker's queues (producers). Failed jobs that exhausted their attempts are kept
 * (removeOnFail: false) as dead letters, counted in the metrics and the readiness.
 */
@Injectable()
export class QueueService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(QueueService.name);
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly env: WorkerEnv,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    for (const name of Object.values(QueueName)) {
      const queue = new Queue(name, {
        connection: redisOptions(this.env.REDIS_URL),
        prefix: this.env.QUEUE_PREFIX,
        defaultJobOptions: {
          attempts: this.env.JOB_ATTEMPTS,
          backoff: { type: 'exponential', delay: this.env.JOB_BACKOFF_MS },
          removeOnComplete: { age: 3600, count: 200_000 },
          removeOnFail: false,
        },
      });
      queue.on('error', (err) => this.logger.warn(`queue ${name}: ${err.message}`));
      this.queues.set(name, queue);
    }
    this.metrics.watchQueues(this);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** The timers queue's own ioredis connection, for plain commands (ping, the auditor's sentinel). */
  async redis(): Promise<Redis> {
    return (await this.queue(QueueName.Timers).client) as unknown as Redis;
  }

  queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  /** Adds jobs (deduplicated by their deterministic ids), grouped by queue, in order. */
  async add(jobs: ReadonlyArray<NewJob<JobName>>): Promise<void> {
    const byQueue = new Map<QueueName, Array<NewJob<JobName>>>();
    for (const j of jobs) {
      const q = JOB_QUEUE[j.name];
      byQueue.set(q, [...(byQueue.get(q) ?? []), j]);
    }
    for (const [q, list] of byQueue) {
      await this.queue(q).addBulk(list.map((j) => ({ name: j.name, data: j.data, opts: j.opts })));
    }
  }

  async counts(): Promise<Array<{ queue: QueueName; counts: Record<string, number> }>> {
    return Promise.all(
      [...this.queues].map(async ([queue, q]) => ({ queue, counts: await q.getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed') })),
    );
  }
}
