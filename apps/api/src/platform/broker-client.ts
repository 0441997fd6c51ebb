import { Injectable } from '@nestjs/common';
import { Env } from '../config/env';

/** A request the broker answered with a status that says to try again later (or did not answer). */
export class BrokerUnavailableError extends Error {}

export interface BrokerAnswer {
  status: number;
  body: unknown;
}

/**
 * HTTP to the Urban Platform's context broker (ETSI GS CIM 009 API at PLATFORM_BROKER_URL): the
 * platform's token and tenant on every request, a timeout, and 408/429/5xx or no answer as
 * BrokerUnavailableError (the caller retries); any other answer is returned as it is.
 */
@Injectable()
export class BrokerClient {
  constructor(private readonly env: Env) {}

  get configured(): boolean {
    return this.env.PLATFORM_BROKER_URL !== undefined;
  }

  async request(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<BrokerAnswer> {
    if (!this.env.PLATFORM_BROKER_URL) throw new Error('PLATFORM_BROKER_URL is not set');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/ld+json';
    if (this.env.PLATFORM_BROKER_TOKEN) headers.authorization = `Bearer ${this.env.PLATFORM_BROKER_TOKEN}`;
    if (this.env.PLATFORM_TENANT) headers['ngsild-tenant'] = this.env.PLATFORM_TENANT;
    let res: Response;
    try {
      res = await fetch(`${this.env.PLATFORM_BROKER_URL}${path}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.env.PLATFORM_HTTP_TIMEOUT_MS),
      });
    } catch (err) {
      throw new BrokerUnavailableError(`${method} ${path}: ${(err as Error).message}`);
    }
    const text = await res.text().catch(() => '');
    if (res.status === 408 || res.status === 429 || res.status >= 500) throw new BrokerUnavailableError(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  }
}
