import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WorkerEnv } from '../config/worker-env';
import { MetricsService } from '../metrics/metrics.service';
import { DeadlineFiring } from './deadline-firing.service';

interface Waiter {
  round: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Timers whose row a sweep skipped, fired alone at once (each waits for its occurrence's lock); the rest wait for the next sweep. */
const HELD_AT_ONCE = 2;

/**
 * Fires every due deadline in batches of FIRE_BATCH_SIZE until a batch comes back short. A sweep
 * runs when a timer goes off (`timer()`: it does not wait, so a burst of timers costs the queue
 * nothing and shares one sweep), every SWEEP_INTERVAL_MS from PostgreSQL alone (due rows fire even
 * while Redis is down or has lost them: the database is the truth, the timers only make it
 * prompt), and on each audit (`sweep()`, which waits). One sweep at a time per process; processes
 * sweep in parallel on disjoint occurrences (see DeadlineFiring.fireDue).
 *
 * A timer's row the sweep skipped (its occurrence held by an API command or another worker's
 * batch) is then fired alone, waiting for that lock, as the timer's own path.
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadlineSweeper.name);
  private requested = 0;
  private running: Promise<void> | null = null;
  private looping = false;
  private waiters: Waiter[] = [];
  private timers = new Set<string>();
  private readonly held = new Set<Promise<unknown>>();
  private interval: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly env: WorkerEnv,
    private readonly firing: DeadlineFiring,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.interval = setInterval(() => void this.sweep().catch((err: Error) => this.logger.warn(`sweep: ${err.message}`)), this.env.SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.interval) clearInterval(this.interval);
    await this.running;
    await Promise.allSettled([...this.held]);
  }

  /** A deadline's timer went off: a sweep follows (one that starts after this call), without waiting for it. */
  timer(deadlineId: string): void {
    if (this.stopped) return;
    this.timers.add(deadlineId);
    void this.sweep().catch((err: Error) => this.logger.warn(`sweep: ${err.message}`));
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
        const timers = this.timers;
        this.timers = new Set();
        let error: Error | null = null;
        try {
          await this.drain();
          await this.fireHeld([...timers]);
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

  /** Timers whose rows are still pending after the sweep: a few fired alone (waiting for the lock), in the background. */
  private async fireHeld(deadlineIds: string[]): Promise<void> {
    if (deadlineIds.length === 0 || this.held.size >= HELD_AT_ONCE) return;
    const pending = await this.firing.pendingOf(deadlineIds);
    for (const id of pending.slice(0, HELD_AT_ONCE - this.held.size)) {
      const p: Promise<unknown> = this.firing.fireOne(id)
        .catch((err: Error) => this.logger.warn(`deadline ${id}: ${err.message}`))
        .finally(() => this.held.delete(p));
      this.held.add(p);
    }
  }
}
