import { Injectable } from '@nestjs/common';
import type { JobHandler } from '../jobs/job-handler';
import { JobName } from '../jobs/job-names';
import { DeadlineAuditor } from './deadline-auditor.service';
import { DeadlineSweeper } from './deadline-sweeper.service';

/** The auditor's periodic run (job scheduler): overdue deadlines whose timer is missing get one, and whatever is due fires. */
@Injectable()
export class AuditDeadlinesJob implements JobHandler<JobName.AuditDeadlines> {
  readonly jobName = JobName.AuditDeadlines;

  constructor(
    private readonly auditor: DeadlineAuditor,
    private readonly sweeper: DeadlineSweeper,
  ) {}

  async handle(): Promise<void> {
    await this.auditor.audit(false);
    await this.sweeper.sweep();
  }
}
