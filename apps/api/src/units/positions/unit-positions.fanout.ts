import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import type { LiveUnitPositions } from '@cgi/shared';
import { Env } from '../../config/env';
import { LiveGateway } from '../../live/live.gateway';
import { clusterName } from '../../redis/cluster-name';
import { NodeRelay } from '../../redis/node-relay';
import { REDIS } from '../../redis/redis.module';
import { UnitPositionsCoalescer, type FanoutPosition } from './unit-positions.coalescer';

export type { FanoutPosition };

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
  private readonly relay: NodeRelay<FanoutPosition[]>;
  private coalescer?: UnitPositionsCoalescer;

  constructor(
    private readonly env: Env,
    private readonly gateway: LiveGateway,
    @Inject(REDIS) redis: Redis,
  ) {
    const offer = (positions: FanoutPosition[]): void => positions.forEach((p) => this.coalescer?.offer(p));
    this.relay = new NodeRelay(env.REDIS_URL, redis, `${clusterName(env.DATABASE_URL)}:units:positions`, new Logger('UnitPositionsFanout'), Array.isArray, offer);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.gateway.serving) return;
    this.coalescer = new UnitPositionsCoalescer((p) => this.emit(p), { intervalMs: 1000, gatherMs: this.env.UNIT_POSITIONS_LIVE_GATHER_MS });
    await this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.coalescer?.close();
    this.coalescer = undefined;
    await this.relay.stop();
  }

  /** Accepted positions (the newest per unit of one write): to this node's sockets and to every other node. */
  publish(positions: FanoutPosition[]): void {
    for (const p of positions) this.coalescer?.offer(p);
    // Telemetry: while Redis is away the other nodes miss these (the next fix, seconds later, replaces them).
    this.relay.publish(positions);
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
