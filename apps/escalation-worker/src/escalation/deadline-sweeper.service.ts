import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WorkerEnv } from '../config/worker-env';
import { MetricsService } from '../metrics/metrics.service';
import { DeadlineFiring } from './deadline-firing.service';

interface Waiter {
  round: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Fires every due deadline in batches of FIRE_BATCH_SIZE until a batch comes back short. A sweep
 * runs when a timer goes off (the timer's job waits for a sweep that started after it arrived, so
 * timers arriving together share one), every SWEEP_INTERVAL_MS from PostgreSQL alone (due rows fire
 * even while Redis is down or lost them), and on each audit. One sweep at a time per process;
 * processes sweep in parallel on disjoint occurrences (see DeadlineFiring.fireDue).
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadlineSweeper.name);
  private requested = 0;
  private running: Promise<void> | null = null;
  private looping = false;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly env: WorkerEnv,
    private readonly firing: DeadlineFiring,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep().catch((err: Error) => this.logger.warn(`sweep: ${err.message}`)), this.env.SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Resolves once a sweep that started after this call has finished (rejects when that sweep failed). */
  sweep(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const round = ++this.requested;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ round, resolve, reject }));
    if (!this.looping) {
      this.looping = true;
      this.running = this.loop();
    }
    return done;
  }

  /** Sweeps while anyone waits; the check and the end of the loop happen in one tick, so no caller is left waiting. */
  private async loop(): Promise<void> {
    try {
      while (this.waiters.length > 0) {
        // Timers that go off together (one fetch of the queue) share the sweep.
        await new Promise((r) => setImmediate(r));
        const round = this.requested;
        let error: Error | null = null;
        try {
          await this.drain();
        } catch (err) {
          error = err as Error;
        }
        const settled = this.waiters.filter((w) => w.round <= round);
        this.waiters = this.waiters.filter((w) => w.round > round);
        for (const w of settled) {
          if (error) w.reject(error);
          else w.resolve();
        }
      }
    } finally {
      this.looping = false;
    }
  }

  /** Batches until one is short: everything due and not held by another transaction has fired. */
  private async drain(): Promise<void> {
    const limit = this.env.FIRE_BATCH_SIZE;
    for (;;) {
      const { claimed, decisions } = await this.firing.fireDue(limit);
      if (claimed > 0) this.metrics.batchSize.observe(decisions.length);
      if (claimed < limit || this.stopped) return;
    }
  }
}
