import { Injectable } from '@nestjs/common';
import type { JobHandler } from '../jobs/job-handler';
import { JobName } from '../jobs/job-names';
import { DeadlineAuditor } from './deadline-auditor.service';

/** The auditor's periodic run (job scheduler): overdue deadlines whose timer is missing get one. */
@Injectable()
export class AuditDeadlinesJob implements JobHandler<JobName.AuditDeadlines> {
  readonly jobName = JobName.AuditDeadlines;

  constructor(private readonly auditor: DeadlineAuditor) {}

  async handle(): Promise<void> {
    await this.auditor.audit(false);
  }
}
