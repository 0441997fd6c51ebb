import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { Env } from '../config/env';
import { clusterName } from '../redis/cluster-name';
import { REDIS } from '../redis/redis.module';

/**
 * Which users' access tokens are refused before they expire: the disabled users (ADR 0018).
 * The database is the truth (`users.disabled`); each node keeps the set in memory, so the guard
 * and the live feed check it at no cost. A disable is published on a Redis channel that every
 * node of the deployment subscribes to, so the others know within milliseconds; a node that
 * missed it (Redis away) reloads the set from the database when its subscription comes back,
 * and every USER_REVOCATION_RELOAD_MS anyway.
 */
@Injectable()
export class UserRevocationService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('UserRevocation');
  private readonly revoked = new Set<string>();
  private readonly listeners = new Set<(userId: string) => void>();
  private readonly channel: string;
  private sub?: Redis;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly env: Env,
  ) {
    this.channel = `${clusterName(env.DATABASE_URL)}:users-revoked`;
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    // Its own connection (a subscribed connection takes no other commands); it waits out Redis restarts.
    const sub = new Redis(this.env.REDIS_URL, { maxRetriesPerRequest: null });
    this.sub = sub;
    sub.on('error', (err) => this.logger.warn(`revocation channel: ${err.message}`));
    sub.on('message', (_channel: string, userId: string) => this.add(userId));
    // Every (re)subscription may have missed messages: read the truth again.
    sub.on('ready', () => void this.reload());
    sub.subscribe(this.channel).catch((err: Error) => this.logger.warn(`revocation channel: ${err.message}`));
    this.timer = setInterval(() => void this.reload(), this.env.USER_REVOCATION_RELOAD_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.listeners.clear();
    await this.sub?.quit().catch(() => this.sub?.disconnect());
  }

  /** True when the user's access tokens (and sockets) are refused. */
  isRevoked(userId: string): boolean {
    return this.revoked.has(userId);
  }

  /** Called with the user id whenever this node learns of a revocation (to close their sockets). */
  onRevoked(listener: (userId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After the user was disabled in the database: this node at once, the others through Redis. */
  async revoke(userId: string): Promise<void> {
    this.add(userId);
    try {
      await this.redis.publish(this.channel, userId);
    } catch (err) {
      this.logger.warn(`revocation of ${userId} not published (${(err as Error).message}); other nodes reload it within ${this.env.USER_REVOCATION_RELOAD_MS} ms`);
    }
  }

  private add(userId: string): void {
    if (this.revoked.has(userId)) return;
    this.revoked.add(userId);
    for (const l of this.listeners) {
      try {
        l(userId);
      } catch (err) {
        this.logger.warn(`revocation listener failed: ${(err as Error).message}`);
      }
    }
  }

  private async reload(): Promise<void> {
    try {
      const rows: Array<{ id: string }> = await this.ds.query(`SELECT id FROM users WHERE disabled`);
      for (const r of rows) this.add(r.id);
    } catch (err) {
      this.logger.warn(`revoked users not reloaded: ${(err as Error).message}`);
    }
  }
}
