import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import type { AssetView, LiveAssetStatus } from '@cgi/shared';
import { Env } from '../config/env';
import { LiveGateway } from '../live/live.gateway';
import { clusterName } from '../redis/cluster-name';
import { REDIS } from '../redis/redis.module';

interface FanoutMessage {
  node: string;
  assets: AssetView[];
}

/**
 * Live `assets:status`: assets whose status changed (after the commit) reach every API node
 * (Redis pub/sub; the writing node hands them to its own sockets directly) and every logged-in
 * console there, since every role reads the registry. State, not events: nothing is replayed (a
 * reconnecting console re-reads GET /api/v1/assets), and a socket whose buffer is full misses it.
 */
@Injectable()
export class AssetStatusFanout implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AssetStatusFanout');
  private readonly node = randomUUID();
  private readonly channel: string;
  private sub?: Redis;

  constructor(
    private readonly env: Env,
    private readonly gateway: LiveGateway,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.channel = `${clusterName(env.DATABASE_URL)}:assets:status`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.gateway.serving) return;
    this.sub = new Redis(this.env.REDIS_URL, { maxRetriesPerRequest: null });
    this.sub.on('error', (err) => this.logger.warn(`asset status Redis: ${err.message}`));
    this.sub.on('message', (_channel, text) => this.onMessage(text));
    await this.sub.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    await this.sub?.quit().catch(() => this.sub?.disconnect());
    this.sub = undefined;
  }

  publish(assets: AssetView[]): void {
    if (assets.length === 0) return;
    this.emit(assets);
    const message: FanoutMessage = { node: this.node, assets };
    this.redis.publish(this.channel, JSON.stringify(message)).catch((err: Error) => this.logger.warn(`asset status not relayed: ${err.message}`));
  }

  private onMessage(text: string): void {
    let m: FanoutMessage;
    try {
      m = JSON.parse(text) as FanoutMessage;
    } catch {
      return;
    }
    if (m.node === this.node || !Array.isArray(m.assets)) return;
    this.emit(m.assets);
  }

  private emit(assets: AssetView[]): void {
    if (!this.gateway.serving) return;
    const message: LiveAssetStatus = { assets };
    for (const s of this.gateway.localSessions.values()) {
      if (s.queued() >= this.env.LIVE_SOCKET_BUFFER_LIMIT) continue;
      s.socket.emit('assets:status', message);
    }
  }
}
