import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../auth/actor';
import { Env } from '../../config/env';
import { Open311Exception } from '../open311.exception';

export interface RegisteredWebhook {
  callback_url: string;
  /** Shown once, at registration: the HMAC-SHA256 key of the X-CGI-Signature header. */
  secret?: string;
}

/** One status-callback webhook per integration client (its API key). */
@Injectable()
export class CallbackWebhookService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly env: Env,
  ) {}

  /** Registers or replaces the client's webhook; a new secret every time. */
  async register(client: Actor, raw: string | string[] | undefined): Promise<RegisteredWebhook> {
    const url = typeof raw === 'string' ? raw.trim() : '';
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    const allowed = this.env.NODE_ENV === 'production' ? ['https:'] : ['https:', 'http:'];
    if (!parsed || !allowed.includes(parsed.protocol) || url.length > 2048) {
      throw Open311Exception.badRequest(`callback_url: must be an ${this.env.NODE_ENV === 'production' ? 'https' : 'http(s)'} URL`);
    }
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    await this.ds.query(
      `INSERT INTO callback_webhooks (api_key_id, url, secret) VALUES ($1, $2, $3)
       ON CONFLICT (api_key_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, updated_at = now()`,
      [client.id, url, secret],
    );
    return { callback_url: url, secret };
  }

  async get(client: Actor): Promise<RegisteredWebhook | null> {
    const [row]: Array<{ url: string }> = await this.ds.query(`SELECT url FROM callback_webhooks WHERE api_key_id = $1`, [client.id]);
    return row ? { callback_url: row.url } : null;
  }
}
