import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { WorkerEnv } from '../config/worker-env';
import { MetricsService } from '../metrics/metrics.service';
import { checkHandlers, JOB_HANDLERS, type JobHandler } from './job-handler';
import { JobName, QueueName } from './job-names';
import { redisOptions } from './redis-options';

const CONCURRENCY: Record<QueueName, (env: WorkerEnv) => number> = {
  [QueueName.Events]: () => 4,
  [QueueName.Timers]: (env) => env.TIMER_CONCURRENCY,
  [QueueName.Notifications]: () => 4,
  [QueueName.Maintenance]: () => 1,
};

/**
 * The consumers of every queue. At boot it checks that every job name has exactly one handler
 * and refuses to start otherwise; consumption starts once the whole application is up, and a
 * graceful shutdown lets the jobs in hand finish (a job cut short returns to its queue when its
 * lock expires).
 */
@Injectable()
export class JobConsumers implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobConsumers.name);
  private readonly workers = new Map<QueueName, Worker>();
  private handlers = new Map<JobName, JobHandler>();

  constructor(
    private readonly env: WorkerEnv,
    private readonly metrics: MetricsService,
    @Inject(JOB_HANDLERS) private readonly handlerList: JobHandler[],
  ) {}

  onModuleInit(): void {
    this.handlers = checkHandlers(this.handlerList, Object.values(JobName));
  }

  /** Starts consuming once the whole application is up. */
  onApplicationBootstrap(): void {
    for (const name of Object.values(QueueName)) {
      const worker = new Worker(name, (job, token) => this.process(job, token), {
        connection: redisOptions(this.env.REDIS_URL),
        prefix: this.env.QUEUE_PREFIX,
        concurrency: CONCURRENCY[name](this.env),
        lockDuration: this.env.JOB_LOCK_MS,
        stalledInterval: Math.max(1000, Math.floor(this.env.JOB_LOCK_MS / 2)),
        maxStalledCount: 3,
      });
      worker.on('error', (err) => this.logger.warn(`worker ${name}: ${err.message}`));
      worker.on('failed', (job, err) => {
        if (!job) return;
        const dead = job.attemptsMade >= (job.opts.attempts ?? 1);
        if (dead) this.metrics.deadLetters.inc({ queue: name, job: job.name });
        this.logger.warn(`${job.name} ${job.id} failed (attempt ${job.attemptsMade}${dead ? ', kept as dead letter' : ''}): ${err.message}`);
      });
      this.workers.set(name, worker);
    }
  }

  /** Graceful shutdown: stop taking jobs, let the ones in hand finish (or return to the queue), then close. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.close()));
  }

  /** True when every queue has a running consumer. */
  consuming(): boolean {
    return this.workers.size === Object.values(QueueName).length && [...this.workers.values()].every((w) => w.isRunning());
  }

  private async process(job: Job, token?: string): Promise<void> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    await handler.handle(job.data as never, job as never, token);
  }
}
