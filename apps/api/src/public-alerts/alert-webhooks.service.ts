import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { CAP_CONTENT_TYPE } from '@cgi/domain';
import { DomainException } from '../common/domain.exception';
import { Env } from '../config/env';
import { postSignedWebhook } from '../open311/callbacks/signed-webhook';
import { startWebhookQueue, webhookJobOptions, type WebhookQueue } from '../open311/callbacks/webhook-queue';

export const ALERT_WEBHOOK_QUEUE = 'public-alert-webhooks';
const DELIVER_JOB = 'deliver-alerts';

interface DeliverPayload {
  subscriberId: string;
  /** Deliver the subscriber's pending messages up to this one. */
  seq: number;
}

export interface AlertSubscriberView {
  id: string;
  name: string;
  url: string;
  active: boolean;
  /** Shown once, at registration: the HMAC-SHA256 key of X-CGI-Signature. */
  secret?: string;
}

/**
 * Webhooks of the public alerts (Metro, STCP, the city's app): every message is POSTed, as its
 * CAP XML, signed (X-CGI-Signature, the Open311 callbacks' HMAC) and retried with their backoff.
 * The rows are written with the message; the BullMQ job (deterministic id per subscriber and
 * message) only says "deliver what is pending", in order, under a per-subscriber advisory lock,
 * stopping at the first failure; a sweeper re-adds jobs lost with Redis or out of attempts.
 */
@Injectable()
export class AlertWebhooksService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AlertWebhooks');
  private running: WebhookQueue<DeliverPayload> | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly env: Env,
  ) {}

  onApplicationBootstrap(): void {
    this.running = startWebhookQueue<DeliverPayload>(this.env, ALERT_WEBHOOK_QUEUE, this.logger, 2, (job: Job<DeliverPayload>) => this.deliver(job.data));
    this.sweeper = setInterval(() => void this.sweep().catch((err: Error) => this.logger.warn(`sweep: ${err.message}`)), this.env.CALLBACK_SWEEP_MS);
    void this.sweep().catch((err: Error) => this.logger.warn(`sweep: ${err.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.running?.close();
    this.running = null;
  }

  async register(name: unknown, url: unknown): Promise<AlertSubscriberView> {
    const fields = [];
    if (typeof name !== 'string' || !/^[\p{L}\p{N} ._-]{2,80}$/u.test(name.trim())) fields.push({ field: 'name', message: '2 to 80 letters, digits, spaces, . _ -' });
    let parsed: URL | null = null;
    try {
      parsed = typeof url === 'string' && url.length <= 2048 ? new URL(url) : null;
    } catch {
      parsed = null;
    }
    const allowed = this.env.NODE_ENV === 'production' ? ['https:'] : ['https:', 'http:'];
    if (!parsed || !allowed.includes(parsed.protocol)) fields.push({ field: 'url', message: `must be an ${this.env.NODE_ENV === 'production' ? 'https' : 'http(s)'} URL` });
    if (fields.length > 0) throw new DomainException('VALIDATION_FAILED', 'Invalid subscriber', fields);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const rows: Array<{ id: string }> = await this.ds.query(
      `INSERT INTO public_alert_subscribers (name, url, secret) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, active = true RETURNING id`,
      [(name as string).trim(), url, secret],
    );
    return { id: rows[0].id, name: (name as string).trim(), url: url as string, active: true, secret };
  }

  async list(): Promise<AlertSubscriberView[]> {
    return this.ds.query(`SELECT id, name, url, active FROM public_alert_subscribers ORDER BY name`);
  }

  /** After the message's commit: one job per subscriber that got a delivery row. */
  async enqueue(messageSeq: number, subscriberIds: string[]): Promise<void> {
    if (!this.running || subscriberIds.length === 0) return;
    await this.running.queue.addBulk(
      subscriberIds.map((subscriberId) => ({ name: DELIVER_JOB, data: { subscriberId, seq: messageSeq }, opts: webhookJobOptions(this.env, `${subscriberId}_${messageSeq}`) })),
    );
  }

  /** Re-adds the job of every subscriber with something undelivered (a no-op while the job exists). */
  async sweep(): Promise<void> {
    const rows: Array<{ subscriber_id: string; seq: string }> = await this.ds.query(
      `SELECT subscriber_id, max(message_seq)::text AS seq FROM public_alert_deliveries WHERE delivered_at IS NULL GROUP BY subscriber_id`,
    );
    for (const r of rows) await this.enqueue(Number(r.seq), [r.subscriber_id]);
  }

  private async deliver(p: DeliverPayload): Promise<number> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    let delivered = 0;
    try {
      await runner.query(`SELECT pg_advisory_lock(hashtext('public-alert-webhook'), hashtext($1))`, [p.subscriberId]);
      try {
        const rows: Array<{ id: string; seq: string; xml: string; url: string; secret: string }> = await runner.query(
          `SELECT d.id::text AS id, d.message_seq::text AS seq, m.xml, s.url, s.secret
             FROM public_alert_deliveries d
             JOIN public_alert_messages m ON m.seq = d.message_seq
             JOIN public_alert_subscribers s ON s.id = d.subscriber_id
            WHERE d.subscriber_id = $1 AND d.delivered_at IS NULL AND d.message_seq <= $2 AND s.active
            ORDER BY d.message_seq`,
          [p.subscriberId, p.seq],
        );
        for (const row of rows) {
          const error = await postSignedWebhook({
            url: row.url,
            secret: row.secret,
            body: row.xml,
            contentType: `${CAP_CONTENT_TYPE}; charset=utf-8`,
            deliveryId: `alert-${row.id}`,
            sequence: row.seq,
            userAgent: 'CGI-Porto-Public-Alerts/1',
            timeoutMs: this.env.CALLBACK_TIMEOUT_MS,
          });
          await runner.query(
            `UPDATE public_alert_deliveries SET attempts = attempts + 1, last_attempt_at = now(), last_error = $2,
                    delivered_at = CASE WHEN $2::text IS NULL THEN now() END WHERE id = $1`,
            [row.id, error?.slice(0, 500) ?? null],
          );
          if (error) throw new Error(`alert delivery ${row.id} to ${row.url}: ${error}`);
          delivered++;
        }
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('public-alert-webhook'), hashtext($1))`, [p.subscriberId]);
      }
    } finally {
      await runner.release();
    }
    return delivered;
  }
}
