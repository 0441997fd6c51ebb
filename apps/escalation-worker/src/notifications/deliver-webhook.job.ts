import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { JobHandler } from '../jobs/job-handler';
import { JobName, type JobPayloads } from '../jobs/job-names';
import { WebhookChannel } from './notification-channel';

interface Row {
  id: string;
  occurrence_id: string;
  level: string;
  recipient_kind: string;
  recipient_department: string | null;
  message: string;
  status: string;
  created_at: Date;
}

/** Delivers one webhook notification; BullMQ retries it with exponential backoff, then keeps it as a dead letter. */
@Injectable()
export class DeliverWebhookJob implements JobHandler<JobName.DeliverWebhook> {
  readonly jobName = JobName.DeliverWebhook;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly webhook: WebhookChannel,
  ) {}

  async handle({ notificationId }: JobPayloads[JobName.DeliverWebhook], job: Job): Promise<void> {
    const [n]: Row[] = await this.ds.query(`SELECT * FROM notifications WHERE id = $1`, [notificationId]);
    if (!n || n.status === 'DELIVERED' || !this.webhook.enabled()) return;
    try {
      await this.webhook.deliver({
        id: n.id, occurrenceId: n.occurrence_id, level: n.level, recipientKind: n.recipient_kind,
        recipientDepartment: n.recipient_department, message: n.message, createdAt: n.created_at.toISOString(),
      });
      await this.ds.query(
        `UPDATE notifications SET status = 'DELIVERED', delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`, [n.id],
      );
    } catch (err) {
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.ds.query(
        `UPDATE notifications SET attempts = attempts + 1, last_error = $2, status = $3 WHERE id = $1`,
        [n.id, (err as Error).message.slice(0, 500), last ? 'FAILED' : 'PENDING'],
      );
      throw err;
    }
  }
}
