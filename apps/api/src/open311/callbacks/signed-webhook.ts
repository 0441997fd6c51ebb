import { sign, SIGNATURE_HEADER } from './callback-signature';

/** One signed webhook POST (the Open311 status callbacks and the public-alert webhooks). */
export interface SignedWebhookPost {
  url: string;
  secret: string;
  body: string;
  contentType: string;
  /** X-CGI-Delivery: the delivery's id, the same on every retry (receivers drop repeats with it). */
  deliveryId: string;
  /** X-CGI-Sequence: the order of the deliveries to this receiver. */
  sequence: number | string;
  userAgent: string;
  timeoutMs: number;
}

/** null when the receiver accepted (2xx), else why not (the caller records it and retries). */
export async function postSignedWebhook(p: SignedWebhookPost): Promise<string | null> {
  try {
    const res = await fetch(p.url, {
      method: 'POST',
      headers: {
        'content-type': p.contentType,
        [SIGNATURE_HEADER]: sign(p.secret, p.body),
        'x-cgi-delivery': p.deliveryId,
        'x-cgi-sequence': String(p.sequence),
        'user-agent': p.userAgent,
      },
      body: p.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(p.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
  } catch (err) {
    return (err as Error).message || 'network error';
  }
}
