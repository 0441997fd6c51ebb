import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import type { JobHandler } from '../jobs/job-handler';
import { JobName, type JobPayloads } from '../jobs/job-names';
import { DeadlineFiring } from './deadline-firing.service';
import { DeadlineSweeper } from './deadline-sweeper.service';

export { WORKER_ACTOR } from './deadline-firing.service';

/**
 * A deadline's timer went off. Already fired or stopped (a batch got there first, or another
 * worker): nothing to do. Otherwise it sets off a sweep — every due deadline fires in batches,
 * this one with them — and if its row is still pending after that (its occurrence was held by an
 * API command or another worker), it fires it alone, waiting for the occurrence's lock. However
 * many times or workers run it, the row lock and the conditional update make it happen once.
 */
@Injectable()
export class FireDeadlineJob implements JobHandler<JobName.FireDeadline> {
  readonly jobName = JobName.FireDeadline;
  private readonly logger = new Logger(FireDeadlineJob.name);

  constructor(
    private readonly firing: DeadlineFiring,
    private readonly sweeper: DeadlineSweeper,
  ) {}

  async handle({ deadlineId, dueAt }: JobPayloads[JobName.FireDeadline], job: Job, token?: string): Promise<void> {
    const due = Date.parse(dueAt);
    if (due > Date.now() + 5 && token) {
      // Fired early (clock skew between hosts): wait for the deadline itself.
      await job.moveToDelayed(due, token);
      throw new DelayedError();
    }
    if (!(await this.firing.pending(deadlineId))) return;
    await this.sweeper.sweep().catch((err: Error) => this.logger.warn(`sweep: ${err.message}`));
    if (!(await this.firing.pending(deadlineId))) return;
    await this.firing.fireOne(deadlineId);
  }
}
