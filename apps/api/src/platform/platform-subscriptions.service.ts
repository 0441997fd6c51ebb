import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CGI_ALERT_SOURCE, isObject, type Json } from '@cgi/domain';
import { retryDelay } from '@cgi/shared';
import { Env } from '../config/env';
import { BrokerClient, BrokerUnavailableError } from './broker-client';
import { ALERT_CONTEXT_URL, CORE_CONTEXT_URL, DEVICE_CONTEXT_URL } from './json-ld-contexts';

export const ALERTS_SUBSCRIPTION_ID = 'urn:ngsi-ld:Subscription:CGI-Porto:alerts';
export const DEVICES_SUBSCRIPTION_ID = 'urn:ngsi-ld:Subscription:CGI-Porto:devices';

type Subscription = Record<string, unknown> & { id: string };

/**
 * The CGI's own subscriptions at the Urban Platform's broker, made on start when
 * PLATFORM_BROKER_URL, PLATFORM_NOTIFY_URL and PLATFORM_NOTIFY_API_KEY are set: Alerts (all but
 * the CGI's own, by alertSource) and Devices' deviceState, notified to PLATFORM_NOTIFY_URL with
 * the API key in `receiverInfo`. Idempotent by their fixed ids: an absent subscription is
 * created, one that differs from what the CGI wants is patched, an equal one is left alone; every
 * node may run it (the same requests give the same state). A broker that does not answer is tried
 * again with a backoff, without holding up the API's start.
 */
@Injectable()
export class PlatformSubscriptionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('PlatformSubscriptions');
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Settles when the subscriptions are in place (tests and the benchmark wait on it). */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly env: Env,
    private readonly broker: BrokerClient,
  ) {}

  get configured(): boolean {
    return this.broker.configured && this.env.PLATFORM_NOTIFY_URL !== undefined && this.env.PLATFORM_NOTIFY_API_KEY !== undefined;
  }

  onApplicationBootstrap(): void {
    if (this.broker.configured && !this.configured) {
      this.logger.warn('PLATFORM_BROKER_URL is set but PLATFORM_NOTIFY_URL or PLATFORM_NOTIFY_API_KEY is not: no subscriptions are made (the broker notifies nothing)');
    }
    if (!this.configured) return;
    this.ready = new Promise<void>((resolve) => this.attempt(1, resolve));
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private attempt(n: number, done: () => void): void {
    if (this.stopped) return done();
    this.ensure().then(done, (err: Error) => {
      this.logger.warn(`subscriptions at the broker (attempt ${n}): ${err.message}`);
      if (!(err instanceof BrokerUnavailableError)) return done();
      const wait = retryDelay({ attempts: Number.MAX_SAFE_INTEGER, baseMs: this.env.PLATFORM_PUBLISH_BACKOFF_MS, maxMs: this.env.PLATFORM_PUBLISH_BACKOFF_MAX_MS, random: Math.random }, n, null);
      this.timer = setTimeout(() => this.attempt(n + 1, done), wait);
    });
  }

  /** What the CGI subscribes to. */
  wanted(): Subscription[] {
    const endpoint = {
      uri: this.env.PLATFORM_NOTIFY_URL,
      accept: 'application/json',
      receiverInfo: [{ key: 'X-API-Key', value: this.env.PLATFORM_NOTIFY_API_KEY }],
    };
    return [
      {
        id: ALERTS_SUBSCRIPTION_ID,
        type: 'Subscription',
        subscriptionName: 'CGI Porto: Urban Platform alerts become occurrences',
        entities: [{ type: 'Alert' }],
        q: `alertSource!="${CGI_ALERT_SOURCE}"`,
        notification: { format: 'normalized', endpoint },
        '@context': [ALERT_CONTEXT_URL, CORE_CONTEXT_URL],
      },
      {
        id: DEVICES_SUBSCRIPTION_ID,
        type: 'Subscription',
        subscriptionName: 'CGI Porto: device states become asset statuses',
        entities: [{ type: 'Device' }],
        watchedAttributes: ['deviceState'],
        notification: { attributes: ['deviceState', 'controlledAsset', 'dateLastValueReported'], format: 'normalized', endpoint },
        '@context': [DEVICE_CONTEXT_URL, CORE_CONTEXT_URL],
      },
    ];
  }

  /** Creates what is missing and patches what differs; answers what it did, per subscription. */
  async ensure(): Promise<Record<string, 'created' | 'updated' | 'unchanged'>> {
    const done: Record<string, 'created' | 'updated' | 'unchanged'> = {};
    for (const sub of this.wanted()) {
      const path = `/ngsi-ld/v1/subscriptions/${encodeURIComponent(sub.id)}`;
      const current = await this.broker.request('GET', path);
      if (current.status === 404) {
        const created = await this.broker.request('POST', '/ngsi-ld/v1/subscriptions', sub);
        if (created.status === 409) done[sub.id] = await this.patch(path, sub); // created meanwhile by another node
        else if (created.status !== 201) throw new Error(`creating ${sub.id}: ${created.status} ${JSON.stringify(created.body).slice(0, 200)}`);
        else done[sub.id] = 'created';
      } else if (current.status === 200) {
        done[sub.id] = sameSubscription(current.body, sub) ? 'unchanged' : await this.patch(path, sub);
      } else {
        throw new Error(`reading ${sub.id}: ${current.status} ${JSON.stringify(current.body).slice(0, 200)}`);
      }
    }
    this.logger.log(`subscriptions at the broker: ${Object.entries(done).map(([id, what]) => `${id} ${what}`).join(', ')}`);
    return done;
  }

  private async patch(path: string, sub: Subscription): Promise<'updated'> {
    const fragment = Object.fromEntries(Object.entries(sub).filter(([k]) => k !== 'id' && k !== 'type'));
    const res = await this.broker.request('PATCH', path, fragment);
    if (res.status !== 204 && res.status !== 200) throw new Error(`updating ${sub.id}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    return 'updated';
  }
}

/** Whether the broker's subscription already says what the CGI wants (ignoring what brokers add: status, counters). */
function sameSubscription(current: unknown, wanted: Subscription): boolean {
  if (!isObject(current as Json)) return false;
  const c = current as Record<string, unknown>;
  const pick = (s: Record<string, unknown>): unknown => {
    const n = (s.notification ?? {}) as Record<string, unknown>;
    const e = (n.endpoint ?? {}) as Record<string, unknown>;
    return [s.entities, s.q ?? null, s.watchedAttributes ?? null, n.format ?? null, n.attributes ?? null, e.uri, e.accept ?? null, e.receiverInfo ?? null];
  };
  return JSON.stringify(pick(c)) === JSON.stringify(pick(wanted));
}
