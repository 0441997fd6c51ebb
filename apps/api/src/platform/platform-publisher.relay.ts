import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { retryDelay, type OccurrenceEventView } from '@cgi/shared';
import { Env } from '../config/env';
import { EventLogConsumer, type Advance } from '../events/event-log-consumer';
import { EventLogService } from '../events/event-log.service';
import { AlertEntitiesRepository, normalizedWithContext } from './alert-entities.repository';
import { BrokerClient } from './broker-client';
import { PlatformMetrics } from './platform-metrics';

export const PUBLISHER_CONSUMER = 'platform-publisher';
/** Entities per upsert request (brokers cap batch operations; Orion-LD's default is 100). */
export const UPSERT_CHUNK = 100;

interface UpsertErrors {
  errors?: Array<{ entityId?: string; error?: { detail?: string; title?: string } }>;
}

/**
 * The CGI's occurrences to the Urban Platform as NGSI-LD Alert entities (ADR 0027): a consumer of
 * the event log (checkpoint `platform-publisher`, EventLogConsumer: one node at a time, woken by
 * the log's NOTIFY). Each batch of events becomes the current Alert of every occurrence it
 * concerns — one entity per occurrence however many events it had — sent with
 * `POST /ngsi-ld/v1/entityOperations/upsert` (replace: the Alert is the occurrence's whole public
 * state); the checkpoint moves only once the broker took them, so a failure (no answer,
 * 408/429/5xx, a 401/403/404 of a misconfiguration) sends the same batch again after a backoff
 * doubling to PLATFORM_PUBLISH_BACKOFF_MAX_MS: at least once per entity id, and since an upsert of
 * the current state is idempotent a repeat changes nothing at the broker. Entities the broker
 * refuses one by one (207) or a batch it refuses as bad data (400) are logged and counted, not
 * retried: sending them again would not change the answer.
 */
@Injectable()
export class PlatformPublisher extends EventLogConsumer {
  protected readonly logger = new Logger('PlatformPublisher');

  constructor(
    @InjectDataSource() ds: DataSource,
    events: EventLogService,
    private readonly env: Env,
    private readonly alerts: AlertEntitiesRepository,
    private readonly broker: BrokerClient,
    private readonly metrics: PlatformMetrics,
  ) {
    super(ds, events, { name: PUBLISHER_CONSUMER, lock: 'platform-publisher', batch: env.PLATFORM_PUBLISH_BATCH, pollMs: () => env.PLATFORM_PUBLISH_POLL_MS, wakeOnNotify: true });
  }

  protected override enabled(): boolean {
    return this.broker.configured && this.env.PLATFORM_PUBLISH === 'on';
  }

  protected override retryDelay(failures: number): number {
    return retryDelay({ attempts: Number.MAX_SAFE_INTEGER, baseMs: this.env.PLATFORM_PUBLISH_BACKOFF_MS, maxMs: this.env.PLATFORM_PUBLISH_BACKOFF_MAX_MS, random: Math.random }, failures, null);
  }

  protected async deliver(events: OccurrenceEventView[], advance: Advance): Promise<void> {
    const ids = [...new Set(events.flatMap((e) => (e.occurrenceId ? [e.occurrenceId] : [])))];
    const entities = (await this.alerts.byIds(ids)).map(normalizedWithContext);
    for (let i = 0; i < entities.length; i += UPSERT_CHUNK) {
      const chunk = entities.slice(i, i + UPSERT_CHUNK);
      try {
        await this.upsert(chunk);
      } catch (err) {
        this.metrics.published.inc({ outcome: 'retried' }, chunk.length);
        throw err;
      }
    }
    const now = Date.now();
    for (const e of events) this.metrics.publishLag.observe(Math.max(0, now - Date.parse(e.at)) / 1000);
    await advance(async () => undefined);
  }

  private async upsert(entities: Array<Record<string, unknown>>): Promise<void> {
    const answer = await this.broker.request('POST', '/ngsi-ld/v1/entityOperations/upsert', entities);
    if (answer.status === 201 || answer.status === 204 || answer.status === 200) {
      this.metrics.published.inc({ outcome: 'upserted' }, entities.length);
      return;
    }
    if (answer.status === 207) {
      const errors = (answer.body as UpsertErrors | null)?.errors ?? [];
      for (const e of errors) this.logger.warn(`the broker refused ${e.entityId ?? '(no id)'}: ${e.error?.detail ?? e.error?.title ?? 'no reason given'}`);
      this.metrics.published.inc({ outcome: 'refused' }, errors.length);
      this.metrics.published.inc({ outcome: 'upserted' }, Math.max(0, entities.length - errors.length));
      return;
    }
    if (answer.status === 400 || answer.status === 422) {
      this.logger.warn(`the broker refused an upsert of ${entities.length} Alerts as bad data: ${JSON.stringify(answer.body).slice(0, 300)}`);
      this.metrics.published.inc({ outcome: 'refused' }, entities.length);
      return;
    }
    throw new Error(`upsert of ${entities.length} Alerts answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
  }
}
