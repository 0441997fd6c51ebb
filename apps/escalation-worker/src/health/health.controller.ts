import { Controller, Get, Header, HttpStatus, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { DeadlineAuditor } from '../escalation/deadline-auditor.service';
import { JobConsumers } from '../jobs/job-consumers.service';
import { QueueService } from '../jobs/queue.service';
import { MetricsService } from '../metrics/metrics.service';
import { OutboxRelayService } from '../relay/outbox-relay.service';

type Check = 'up' | 'down';

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly queues: QueueService,
    private readonly consumers: JobConsumers,
    private readonly auditor: DeadlineAuditor,
    private readonly relay: OutboxRelayService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready: PostgreSQL and Redis answer, every queue is consumed, no dead-man alarm. Dead letters are shown. */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const [database, redis] = await Promise.all([
      within(this.ds.query('SELECT 1'), 2000).then((): Check => 'up', (): Check => 'down'),
      within(this.queues.redis().then((c) => c.ping()), 2000).then((r): Check => (r === 'PONG' ? 'up' : 'down'), (): Check => 'down'),
    ]);
    const consuming: Check = this.consumers.consuming() ? 'up' : 'down';
    const deadman = this.auditor.deadmanAlarm();
    let deadLetters: number | null = null;
    if (redis === 'up') {
      const counts = await within(this.queues.counts(), 2000).catch(() => []);
      deadLetters = counts.reduce((n, c) => n + (c.counts.failed ?? 0), 0);
    }
    const ok = database === 'up' && redis === 'up' && consuming === 'up' && !deadman.alarm;
    void reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ok ? 'ok' : 'unavailable',
      checks: { database, redis, consuming, deadman: deadman.alarm ? 'alarm' : 'ok' },
      oldestOverdueSeconds: deadman.oldestOverdueSeconds,
      deadLetters,
      relayLeader: this.relay.isLeader(),
    };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.text();
  }
}
