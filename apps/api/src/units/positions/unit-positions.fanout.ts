import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import type { LiveUnitPositions } from '@cgi/shared';
import { Env } from '../../config/env';
import { LiveGateway } from '../../live/live.gateway';
import { clusterName } from '../../redis/cluster-name';
import { REDIS } from '../../redis/redis.module';
import { UnitPositionsCoalescer, type FanoutPosition } from './unit-positions.coalescer';

export type { FanoutPosition };

interface FanoutMessage {
  node: string;
  positions: FanoutPosition[];
}

/**
 * Live AVL positions: every accepted position reaches every API node (Redis pub/sub; the writing
 * node hands them to its own sockets directly), where one coalescer per node lets at most one
 * position per unit per second through (leading edge) to the node's sockets as `units:positions`,
 * scoped like the feed: CGI roles and the VIEWER get every unit, a department role its own
 * department's. Telemetry, not events: nothing is replayed (a console reads GET /units after a
 * reconnect), and a socket whose buffer is full misses positions rather than holding anything up.
 */
@Injectable()
export class UnitPositionsFanout implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('UnitPositionsFanout');
  private readonly node = randomUUID();
  private readonly channel: string;
  private sub?: Redis;
  private coalescer?: UnitPositionsCoalescer;

  constructor(
    private readonly env: Env,
    private readonly gateway: LiveGateway,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.channel = `${clusterName(env.DATABASE_URL)}:units:positions`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.gateway.serving) return;
    this.coalescer = new UnitPositionsCoalescer((p) => this.emit(p), { intervalMs: 1000, gatherMs: this.env.UNIT_POSITIONS_LIVE_GATHER_MS });
    this.sub = new Redis(this.env.REDIS_URL, { maxRetriesPerRequest: null });
    this.sub.on('error', (err) => this.logger.warn(`unit positions Redis: ${err.message}`));
    this.sub.on('message', (_channel, text) => this.onMessage(text));
    await this.sub.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    this.coalescer?.close();
    this.coalescer = undefined;
    await this.sub?.quit().catch(() => this.sub?.disconnect());
  }

  /** Accepted positions (the newest per unit of one write): to this node's sockets and to every other node. */
  publish(positions: FanoutPosition[]): void {
    for (const p of positions) this.coalescer?.offer(p);
    const message: FanoutMessage = { node: this.node, positions };
    // Telemetry: while Redis is away the other nodes miss these (the next fix, seconds later, replaces them).
    this.redis.publish(this.channel, JSON.stringify(message)).catch((err: Error) => this.logger.warn(`unit positions not relayed: ${err.message}`));
  }

  private onMessage(text: string): void {
    let m: FanoutMessage;
    try {
      m = JSON.parse(text) as FanoutMessage;
    } catch {
      return;
    }
    if (m.node === this.node || !Array.isArray(m.positions)) return;
    for (const p of m.positions) this.coalescer?.offer(p);
  }

  private emit(positions: FanoutPosition[]): void {
    const all: LiveUnitPositions = { positions: positions.map(strip) };
    const byDepartment = new Map<string, LiveUnitPositions>();
    for (const s of this.gateway.localSessions.values()) {
      if (s.queued() >= this.env.LIVE_SOCKET_BUFFER_LIMIT) continue;
      const departments = s.departments;
      if (departments === undefined) {
        s.socket.emit('units:positions', all);
        continue;
      }
      const d = departments[0];
      let mine = byDepartment.get(d);
      if (!mine) {
        mine = { positions: positions.filter((p) => p.department === d).map(strip) };
        byDepartment.set(d, mine);
      }
      if (mine.positions.length > 0) s.socket.emit('units:positions', mine);
    }
  }
}

const strip = ({ department: _d, ...p }: FanoutPosition): LiveUnitPositions['positions'][number] => p;
