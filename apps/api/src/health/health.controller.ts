import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { REDIS } from '../redis/redis.module';
import { MqttPositionConsumer, type MqttState } from '../units/positions/mqtt-position.consumer';

type Check = 'up' | 'down';

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** The process is alive. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready to serve: PostgreSQL and Redis answer; 503 otherwise. The MQTT broker (AVL positions) is
   * reported but not required: without it the node serves everything but MQTT positions
   * ("degraded", still 200); not listed when MQTT_URL is unset.
   */
  @Get('ready')
  async ready(
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ status: 'ok' | 'degraded' | 'unavailable'; checks: Record<string, Check | MqttState> }> {
    const [database, redis] = await Promise.all([
      within(this.ds.query('SELECT 1'), 2000).then((): Check => 'up', (): Check => 'down'),
      within(this.redis.ping(), 2000).then((r): Check => (r === 'PONG' ? 'up' : 'down'), (): Check => 'down'),
    ]);
    const ok = database === 'up' && redis === 'up';
    const mqtt = this.mqttState();
    void reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: !ok ? 'unavailable' : mqtt === 'down' ? 'degraded' : 'ok', checks: mqtt === 'off' ? { database, redis } : { database, redis, mqtt } };
  }

  private mqttState(): MqttState {
    try {
      return this.moduleRef.get(MqttPositionConsumer, { strict: false }).state;
    } catch {
      return 'off';
    }
  }
}
