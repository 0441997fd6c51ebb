import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { ApiMetrics } from '../metrics/metrics.service';

export type NotifiedOutcome = 'accepted' | 'replayed' | 'rejected' | 'own' | 'ignored';

/** The Urban Platform adapter's Prometheus metrics, in the API's registry (GET /metrics). */
@Injectable()
export class PlatformMetrics {
  readonly notified: Counter<'type' | 'outcome'>;
  readonly published: Counter<'outcome'>;
  readonly publishLag: Histogram;

  constructor(metrics: ApiMetrics) {
    this.notified = new Counter({
      name: 'platform_notified_entities_total',
      help: 'Entities of the Urban Platform broker\'s notifications, by type (Alert, Device, other) and outcome (accepted, replayed, rejected, own, ignored)',
      labelNames: ['type', 'outcome'],
      registers: [metrics.registry],
    });
    this.published = new Counter({
      name: 'platform_published_entities_total',
      help: 'Alert entities sent to the Urban Platform broker by the publisher, by outcome (upserted, refused by the broker, retried)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    this.publishLag = new Histogram({
      name: 'platform_publish_lag_seconds',
      help: 'From an occurrence event to the broker\'s answer to the upsert that carried it',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [metrics.registry],
    });
  }
}
