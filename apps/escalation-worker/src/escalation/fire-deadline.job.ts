import { Injectable } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import type { JobHandler } from '../jobs/job-handler';
import { JobName, type JobPayloads } from '../jobs/job-names';
import { DeadlineSweeper } from './deadline-sweeper.service';

export { WORKER_ACTOR } from './deadline-firing.service';

/**
 * A deadline's timer went off: it sets off a sweep of this process (every due deadline fires in
 * batches, this one with them; see DeadlineSweeper) and is done — it holds no queue slot while the
 * batch runs, so a burst of timers never queues up behind the database. A timer of a row already
 * fired or stopped (by a batch, another worker, the API) changes nothing: the batch only takes
 * pending rows, under their occurrence's lock, and closes each with a conditional update.
 * Whatever happens to this process after the job completes, the row is still pending in
 * PostgreSQL and every worker's sweep (every SWEEP_INTERVAL_MS) fires it.
 */
@Injectable()
export class FireDeadlineJob implements JobHandler<JobName.FireDeadline> {
  readonly jobName = JobName.FireDeadline;

  constructor(private readonly sweeper: DeadlineSweeper) {}

  async handle({ deadlineId, dueAt }: JobPayloads[JobName.FireDeadline], job: Job, token?: string): Promise<void> {
    const due = Date.parse(dueAt);
    if (due > Date.now() + 5 && token) {
      // Fired early (clock skew between hosts): wait for the deadline itself.
      await job.moveToDelayed(due, token);
      throw new DelayedError();
    }
    this.sweeper.timer(deadlineId);
  }
}
