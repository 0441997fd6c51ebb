import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import type { AssetView, LiveAssetStatus } from '@cgi/shared';
import { Env } from '../config/env';
import { LiveGateway } from '../live/live.gateway';
import { clusterName } from '../redis/cluster-name';
import { NodeRelay } from '../redis/node-relay';
import { REDIS } from '../redis/redis.module';

/**
 * Live `assets:status`: assets whose status changed (after the commit) reach every API node
 * (Redis pub/sub; the writing node hands them to its own sockets directly) and every logged-in
 * console there, since every role reads the registry. State, not events: nothing is replayed (a
 * reconnecting console re-reads GET /api/v1/assets), and a socket whose buffer is full misses it.
 */
@Injectable()
export class AssetStatusFanout implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: NodeRelay<AssetView[]>;

  constructor(
    private readonly env: Env,
    private readonly gateway: LiveGateway,
    @Inject(REDIS) redis: Redis,
  ) {
    this.relay = new NodeRelay(env.REDIS_URL, redis, `${clusterName(env.DATABASE_URL)}:assets:status`, new Logger('AssetStatusFanout'), Array.isArray, (a) => this.emit(a));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.gateway.serving) await this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }

  publish(assets: AssetView[]): void {
    if (assets.length === 0) return;
    this.emit(assets);
    this.relay.publish(assets);
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
