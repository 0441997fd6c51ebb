import type { Logger } from '@nestjs/common';
import { Queue, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import type { Env } from '../../config/env';
import { callbackBackoff } from './status-callback.queue';

/** A BullMQ queue with its worker, retried with the callbacks' backoff (CALLBACK_* settings). */
export interface WebhookQueue<T> {
  queue: Queue<T>;
  close: () => Promise<void>;
}

/**
 * The queue and worker of a webhook delivery (the Open311 status callbacks, the public-alert
 * webhooks): own Redis connections, the CALLBACK_QUEUE_PREFIX, custom exponential backoff.
 */
export function startWebhookQueue<T>(env: Env, name: string, logger: Logger, concurrency: number, handle: (job: Job<T>) => Promise<number>): WebhookQueue<T> {
  const connections: Redis[] = [];
  const connection = (): Redis => {
    const r = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    r.on('error', (err) => logger.warn(`redis: ${err.message}`));
    connections.push(r);
    return r;
  };
  const queue = new Queue<T>(name, { connection: connection(), prefix: env.CALLBACK_QUEUE_PREFIX });
  const worker = new Worker<T, number>(name, handle, {
    connection: connection(),
    prefix: env.CALLBACK_QUEUE_PREFIX,
    concurrency,
    settings: { backoffStrategy: (attemptsMade: number) => callbackBackoff(attemptsMade, env.CALLBACK_BACKOFF_MS, env.CALLBACK_BACKOFF_MAX_MS) },
  });
  worker.on('error', (err) => logger.warn(`worker: ${err.message}`));
  return {
    queue,
    close: async () => {
      await worker.close();
      await queue.close();
      for (const c of connections) await c.quit().catch(() => c.disconnect());
    },
  };
}

/** Job options of one delivery job: deterministic id, the configured attempts, removed when done. */
export const webhookJobOptions = (env: Env, jobId: string) => ({
  jobId,
  attempts: env.CALLBACK_MAX_ATTEMPTS,
  backoff: { type: 'custom' },
  removeOnComplete: true,
  removeOnFail: true,
});
