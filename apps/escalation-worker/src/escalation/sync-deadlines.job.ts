import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { JobHandler } from '../jobs/job-handler';
import { JobName, type JobPayloads } from '../jobs/job-names';
import { DEADLINE_COLUMNS, DeadlineTimers, type DeadlineRow } from './deadline-timers';

/** After a clock event (dispatch, override, acknowledge, …): timers follow the occurrence's deadline rows. */
@Injectable()
export class SyncDeadlinesJob implements JobHandler<JobName.SyncDeadlines> {
  readonly jobName = JobName.SyncDeadlines;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly timers: DeadlineTimers,
  ) {}

  async handle({ occurrenceId }: JobPayloads[JobName.SyncDeadlines]): Promise<void> {
    const rows: DeadlineRow[] = await this.ds.query(
      `SELECT ${DEADLINE_COLUMNS} FROM escalation_deadlines WHERE occurrence_id = $1`, [occurrenceId],
    );
    await this.timers.schedule(rows.filter((r) => r.outcome === null));
    await this.timers.unschedule(rows.filter((r) => r.outcome !== null && r.outcome !== 'ESCALATED'));
  }
}
