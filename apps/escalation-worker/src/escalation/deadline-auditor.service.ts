import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { WorkerEnv } from '../config/worker-env';
import { JobName, QueueName } from '../jobs/job-names';
import { QueueService } from '../jobs/queue.service';
import { MetricsService } from '../metrics/metrics.service';
import { DEADLINE_COLUMNS, DeadlineTimers, type DeadlineRow } from './deadline-timers';

const PENDING = `fired_at IS NULL AND cancelled_at IS NULL`;
const WATCH_MS = 2000;

/**
 * PostgreSQL is the truth for deadlines; Redis only holds their timers. The auditor (a BullMQ job
 * scheduler, every AUDIT_INTERVAL_MS) re-adds the timer of every overdue pending deadline — a
 * no-op when the job exists. Each process also watches a sentinel key: when it is gone Redis lost
 * its data (flushed, restarted without persistence, failed over), and the full set of pending
 * deadlines is re-scheduled at once, overdue ones firing immediately. The same watch keeps the
 * dead-man alarm: an escalation more than DEADMAN_SECONDS overdue fails the readiness.
 */
@Injectable()
export class DeadlineAuditor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadlineAuditor.name);
  private timer: NodeJS.Timeout | null = null;
  private watching: Promise<void> | null = null;
  private alarm = false;
  private oldestOverdueSeconds = 0;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly env: WorkerEnv,
    private readonly queues: QueueService,
    private readonly timers: DeadlineTimers,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    void this.queues.redis().then((c) => c.on('ready', () => void this.watch()));
    void this.watch();
    this.timer = setInterval(() => void this.watch(), WATCH_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.watching;
  }

  deadmanAlarm(): { alarm: boolean; oldestOverdueSeconds: number } {
    return { alarm: this.alarm, oldestOverdueSeconds: this.oldestOverdueSeconds };
  }

  /** Re-adds timers: every pending deadline when `all`, else the overdue ones. Returns how many rows it scheduled. */
  async audit(all = false): Promise<number> {
    const rows: DeadlineRow[] = await this.ds.query(
      `SELECT ${DEADLINE_COLUMNS} FROM escalation_deadlines WHERE ${PENDING} ${all ? '' : `AND due_at < now() - interval '1 second'`} ORDER BY due_at`,
    );
    await this.timers.schedule(rows);
    if (rows.length > 0) this.metrics.restored.inc(rows.length);
    return rows.length;
  }

  private watch(): Promise<void> {
    this.watching ??= this.check().finally(() => (this.watching = null));
    return this.watching;
  }

  private async check(): Promise<void> {
    try {
      await this.checkDeadman();
      const redis = await this.queues.redis();
      const key = `${this.env.QUEUE_PREFIX}:escalation:timers-epoch`;
      if (await redis.exists(key)) return;
      // First start, or Redis lost its data: the scheduler and every timer must come back.
      await this.queues.queue(QueueName.Maintenance).upsertJobScheduler(
        'deadline-auditor',
        { every: this.env.AUDIT_INTERVAL_MS },
        { name: JobName.AuditDeadlines, data: {}, opts: { attempts: 1, removeOnFail: { count: 100 } } },
      );
      const n = await this.audit(true);
      await redis.set(key, new Date().toISOString());
      if (n > 0) this.logger.warn(`timers rebuilt from PostgreSQL: ${n} pending deadlines scheduled`);
    } catch (err) {
      this.logger.warn(`auditor: ${(err as Error).message}`);
    }
  }

  private async checkDeadman(): Promise<void> {
    const [{ overdue }]: Array<{ overdue: number | null }> = await this.ds.query(
      `SELECT extract(epoch FROM now() - min(due_at))::float8 AS overdue FROM escalation_deadlines WHERE ${PENDING} AND due_at < now()`,
    );
    this.oldestOverdueSeconds = overdue ?? 0;
    this.alarm = this.oldestOverdueSeconds > this.env.DEADMAN_SECONDS;
    this.metrics.overdue.set(this.oldestOverdueSeconds);
    this.metrics.deadman.set(this.alarm ? 1 : 0);
    if (this.alarm) this.logger.error(`dead-man alarm: an escalation is ${Math.round(this.oldestOverdueSeconds)} s overdue`);
  }
}
