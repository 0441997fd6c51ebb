import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { OccurrenceIntakeService } from '../occurrences/occurrence-intake.service';

/**
 * The API's Prometheus metrics: process defaults, HTTP requests by route and status, the event
 * log's head and the intake reports waiting for a batch write (the outbox's relay lag and queue
 * depths are the escalation worker's).
 */
@Injectable()
export class ApiMetrics implements OnModuleInit {
  readonly registry = new Registry();
  private readonly http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(
    private readonly adapter: HttpAdapterHost,
    @InjectDataSource() ds: DataSource,
    intake: OccurrenceIntakeService,
  ) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'intake_reports_waiting',
      help: 'Operator and sensor reports waiting for the intake batch being written (ADR 0013)',
      registers: [this.registry],
      collect() {
        this.set(intake.waitingReports);
      },
    });
    new Gauge({
      name: 'intake_reports_in_flight',
      help: 'Reports taken in and not yet answered on this node; past INTAKE_MAX_QUEUE intake answers 503 (ADR 0016)',
      registers: [this.registry],
      collect() {
        this.set(intake.reportsInFlight);
      },
    });
    new Gauge({
      name: 'event_log_head_seq',
      help: 'Sequence of the newest event in the log (the transactional outbox)',
      registers: [this.registry],
      async collect() {
        const [{ seq }]: Array<{ seq: string | null }> = await ds.query(`SELECT max(seq)::text AS seq FROM occurrence_events`);
        this.set(Number(seq ?? 0));
      },
    });
  }

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions?.url ?? 'unmatched';
      this.http.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      done();
    });
  }
}
