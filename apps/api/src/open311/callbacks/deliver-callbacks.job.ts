import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Env } from '../../config/env';
import { postSignedWebhook } from './signed-webhook';
import type { DeliverCallbacksPayload } from './status-callback.queue';

interface PendingRow {
  id: string;
  seq: number;
  body: string;
  url: string;
  secret: string;
}

/** Thrown so that BullMQ retries the job with backoff; the attempt is already recorded. */
export class CallbackDeliveryFailed extends Error {}

/**
 * Delivers a request's pending status callbacks in sequence order, under a per-request
 * PostgreSQL advisory lock (one deliverer per request across every API node). It stops at the
 * first failure, so callback n+1 never leaves before callback n has been accepted (2xx).
 * At least once: a crash between the receiver's 2xx and the commit repeats that one callback,
 * with the same X-CGI-Delivery id and sequence, which the receiver uses to drop the repeat.
 */
@Injectable()
export class DeliverCallbacksJob {
  private readonly logger = new Logger('StatusCallbacks');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly env: Env,
  ) {}

  async handle(payload: DeliverCallbacksPayload): Promise<number> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    let delivered = 0;
    try {
      await runner.query(`SELECT pg_advisory_lock(hashtext('open311-callback'), hashtext($1))`, [payload.occurrenceId]);
      try {
        const rows: PendingRow[] = await runner.query(
          `SELECT d.id::text AS id, d.seq, d.body, w.url, w.secret
             FROM callback_deliveries d JOIN callback_webhooks w ON w.api_key_id = d.api_key_id
            WHERE d.occurrence_id = $1 AND d.delivered_at IS NULL AND d.seq <= $2
            ORDER BY d.seq`,
          [payload.occurrenceId, payload.seq],
        );
        for (const row of rows) {
          const error = await this.post(row);
          if (error) {
            await runner.query(
              `UPDATE callback_deliveries SET attempts = attempts + 1, last_attempt_at = now(), last_error = $2 WHERE id = $1`,
              [row.id, error.slice(0, 500)],
            );
            throw new CallbackDeliveryFailed(`callback ${row.id} (seq ${row.seq}) to ${row.url}: ${error}`);
          }
          await runner.query(
            `UPDATE callback_deliveries SET attempts = attempts + 1, last_attempt_at = now(), last_error = NULL, delivered_at = now() WHERE id = $1`,
            [row.id],
          );
          delivered++;
        }
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('open311-callback'), hashtext($1))`, [payload.occurrenceId]);
      }
    } finally {
      await runner.release();
    }
    return delivered;
  }

  /** null when the receiver accepted (2xx), else why not. */
  private async post(row: PendingRow): Promise<string | null> {
    const error = await postSignedWebhook({
      url: row.url,
      secret: row.secret,
      body: row.body,
      contentType: 'application/json; charset=utf-8',
      deliveryId: row.id,
      sequence: row.seq,
      userAgent: 'CGI-Porto-Open311-Callbacks/1',
      timeoutMs: this.env.CALLBACK_TIMEOUT_MS,
    });
    if (error) this.logger.warn(`callback ${row.id} failed: ${error}`);
    return error;
  }
}
