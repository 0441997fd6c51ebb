import type { NotificationView } from '@cgi/shared';
import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { WorkerEnv } from '../config/worker-env';

export type ChannelName = 'IN_APP' | 'WEBHOOK';

/** What a channel delivers: the shared notification view. */
export type NotificationMessage = NotificationView;

/**
 * How a notification reaches who is told. A channel whose records are delivered when written
 * (in-app: the console reads them) has `deliveredOnWrite`; the others are delivered by a job,
 * retried with backoff. Email and SMS are later adapters of this interface.
 */
export interface NotificationChannel {
  readonly name: ChannelName;
  readonly deliveredOnWrite: boolean;
  enabled(): boolean;
  deliver(n: NotificationMessage): Promise<void>;
}

/** In-app: the record is the delivery; consoles read it through GET /api/v1/notifications. */
@Injectable()
export class InAppChannel implements NotificationChannel {
  readonly name = 'IN_APP' as const;
  readonly deliveredOnWrite = true;
  enabled(): boolean {
    return true;
  }
  async deliver(): Promise<void> {
    // nothing to send: the row is what the console reads
  }
}

export const SIGNATURE_HEADER = 'x-cgi-signature';

/** The signature of a webhook body: "sha256=" + hex HMAC-SHA256 of `${timestamp}.${body}`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** POSTs each notification to WEBHOOK_URL, HMAC-SHA256 signed. Any non-2xx answer is retried by the job. */
@Injectable()
export class WebhookChannel implements NotificationChannel {
  readonly name = 'WEBHOOK' as const;
  readonly deliveredOnWrite = false;

  constructor(private readonly env: WorkerEnv) {}

  enabled(): boolean {
    return Boolean(this.env.WEBHOOK_URL && this.env.WEBHOOK_SECRET);
  }

  async deliver(n: NotificationMessage): Promise<void> {
    const body = JSON.stringify({ type: 'escalation.notification', notification: n });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(this.env.WEBHOOK_URL!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-cgi-timestamp': timestamp,
        'x-cgi-delivery': n.id,
        [SIGNATURE_HEADER]: signWebhook(this.env.WEBHOOK_SECRET!, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`webhook answered ${res.status}`);
  }
}
