import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './api';
import { WorkerEnv } from './config/worker-env';
import { AuditDeadlinesJob } from './escalation/audit-deadlines.job';
import { DeadlineAuditor } from './escalation/deadline-auditor.service';
import { DeadlineFiring } from './escalation/deadline-firing.service';
import { DeadlineSweeper } from './escalation/deadline-sweeper.service';
import { DeadlineTimers } from './escalation/deadline-timers';
import { FireDeadlineJob } from './escalation/fire-deadline.job';
import { SyncDeadlinesJob } from './escalation/sync-deadlines.job';
import { HealthController } from './health/health.controller';
import { JOB_HANDLERS, type JobHandler } from './jobs/job-handler';
import { JobConsumers } from './jobs/job-consumers.service';
import { QueueService } from './jobs/queue.service';
import { MetricsService } from './metrics/metrics.service';
import { DeliverWebhookJob } from './notifications/deliver-webhook.job';
import { InAppChannel, WebhookChannel } from './notifications/notification-channel';
import { CheckAlertProposalJob } from './proposals/check-alert-proposal.job';
import { OutboxRelayService } from './relay/outbox-relay.service';

/** Every job class: one per job name (QueueService refuses to start otherwise). */
export const JOB_CLASSES = [SyncDeadlinesJob, CheckAlertProposalJob, FireDeadlineJob, DeliverWebhookJob, AuditDeadlinesJob];

@Module({})
export class WorkerModule {
  static forRoot(env: WorkerEnv, jobClasses = JOB_CLASSES): DynamicModule {
    return {
      module: WorkerModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(env.DATABASE_URL, env.DATABASE_POOL_SIZE))],
      controllers: [HealthController],
      providers: [
        { provide: WorkerEnv, useValue: env },
        MetricsService,
        QueueService,
        JobConsumers,
        DeadlineTimers,
        DeadlineAuditor,
        DeadlineFiring,
        DeadlineSweeper,
        OutboxRelayService,
        InAppChannel,
        WebhookChannel,
        ...jobClasses,
        { provide: JOB_HANDLERS, inject: jobClasses, useFactory: (...handlers: JobHandler[]) => handlers },
      ],
    };
  }
}
