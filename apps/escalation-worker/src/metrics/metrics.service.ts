import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

interface QueueCounts {
  counts(): Promise<Array<{ queue: string; counts: Record<string, number> }>>;
}

/** The worker's Prometheus metrics (text format at /metrics). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly lateness = new Histogram({
    name: 'escalation_lateness_seconds',
    help: 'Fire time minus deadline of each escalation deadline processed',
    labelNames: ['outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly escalations = new Counter({
    name: 'escalations_total',
    help: 'Escalation events written',
    labelNames: ['level'],
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'escalation_batch_deadlines',
    help: 'Deadline rows decided per batch firing transaction',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [this.registry],
  });

  readonly relayLag = new Histogram({
    name: 'outbox_relay_lag_seconds',
    help: 'Time from an event being written to the log to the relay publishing it',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });

  readonly relayLeader = new Gauge({ name: 'outbox_relay_leader', help: '1 when this process runs the outbox relay', registers: [this.registry] });

  readonly relayPosition = new Gauge({ name: 'outbox_relay_events_total', help: 'Events published by this process\'s relay', registers: [this.registry] });

  readonly deadLetters = new Counter({
    name: 'dead_letter_jobs_total',
    help: 'Jobs that exhausted their attempts in this process (kept in the failed set)',
    labelNames: ['queue', 'job'],
    registers: [this.registry],
  });

  readonly overdue = new Gauge({
    name: 'escalation_oldest_overdue_seconds',
    help: 'How long the oldest pending escalation deadline is overdue (0 when none)',
    registers: [this.registry],
  });

  readonly deadman = new Gauge({
    name: 'escalation_deadman_alarm',
    help: '1 when an escalation is overdue by more than DEADMAN_SECONDS',
    registers: [this.registry],
  });

  readonly restored = new Counter({
    name: 'escalation_timers_restored_total',
    help: 'Deadline timers re-created by the auditor',
    registers: [this.registry],
  });

  private queueSource: QueueCounts | null = null;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const source = (): QueueCounts | null => this.queueSource;
    new Gauge({
      name: 'bullmq_queue_jobs',
      help: 'Jobs per queue and state (failed = dead letters kept)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        const s = source();
        if (!s) return;
        this.reset();
        try {
          for (const { queue, counts } of await s.counts()) {
            for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
          }
        } catch {
          // Redis down: the readiness says so; the scrape still answers.
        }
      },
    });
  }

  watchQueues(source: QueueCounts): void {
    this.queueSource = source;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
