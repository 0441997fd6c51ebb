import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { ApiMetrics } from '../../metrics/metrics.service';
import type { PositionTransport } from './unit-position.repository';

/** Why an MQTT message was dropped (HTTP batches are refused whole instead, with the fields named). */
export type PositionDropReason = 'malformed' | 'invalid' | 'unknown_unit' | 'bad_topic' | 'write_failed';

/** AVL metrics, on the API's /metrics (docs/operations.md "MQTT broker and AVL positions"). */
@Injectable()
export class UnitPositionMetrics {
  readonly accepted: Counter<'transport'>;
  readonly ignored: Counter<'transport'>;
  readonly dropped: Counter<'reason'>;
  readonly batchSize: Histogram;

  constructor(metrics: ApiMetrics) {
    const registers = [metrics.registry];
    this.accepted = new Counter({
      name: 'cgi_unit_positions_accepted_total',
      help: 'AVL positions stored (history, and the last position when newest), by transport',
      labelNames: ['transport'],
      registers,
    });
    this.ignored = new Counter({
      name: 'cgi_unit_positions_ignored_total',
      help: 'AVL positions ignored by timestamp (duplicates, out of order), by transport',
      labelNames: ['transport'],
      registers,
    });
    this.dropped = new Counter({
      name: 'cgi_unit_positions_dropped_total',
      help: 'MQTT position messages dropped: malformed JSON, invalid fix, unknown unit, bad topic, or the write failed',
      labelNames: ['reason'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'cgi_unit_positions_write_batch_size',
      help: 'Positions written per transaction (group commit of HTTP batches and MQTT messages)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers,
    });
    for (const t of ['http', 'mqtt'] satisfies PositionTransport[]) {
      this.accepted.inc({ transport: t }, 0);
      this.ignored.inc({ transport: t }, 0);
    }
    for (const r of ['malformed', 'invalid', 'unknown_unit', 'bad_topic', 'write_failed'] satisfies PositionDropReason[]) this.dropped.inc({ reason: r }, 0);
  }
}
