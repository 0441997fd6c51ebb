import { Injectable } from '@nestjs/common';
import { JobName, QueueName, jobIds } from '../jobs/job-names';
import { QueueService, type NewJob } from '../jobs/queue.service';

export interface DeadlineRow {
  id: string;
  occurrence_id: string;
  department: string;
  role: string;
  kind: string;
  level: string;
  due_at: Date;
  outcome: string | null;
}

export const DEADLINE_COLUMNS = `id::text AS id, occurrence_id, department, role, kind, level, due_at, outcome`;

const jobId = (d: DeadlineRow): string =>
  jobIds.deadline({ occurrenceId: d.occurrence_id, department: d.department, role: d.role, kind: d.kind, level: d.level, dueAt: d.due_at });

/** Keeps one delayed BullMQ job per pending deadline row; the rows are the truth. */
@Injectable()
export class DeadlineTimers {
  constructor(private readonly queues: QueueService) {}

  /** Schedules the pending rows (a job that exists already is left alone). */
  async schedule(rows: readonly DeadlineRow[], now = Date.now()): Promise<void> {
    const jobs: Array<NewJob<JobName.FireDeadline>> = rows.map((d) => ({
      name: JobName.FireDeadline,
      data: { deadlineId: d.id, dueAt: d.due_at.toISOString() },
      opts: { jobId: jobId(d), delay: Math.max(0, d.due_at.getTime() - now) },
    }));
    for (let i = 0; i < jobs.length; i += 1000) await this.queues.add(jobs.slice(i, i + 1000));
  }

  /** Removes the jobs of rows that stopped without firing. Correctness never depends on it. */
  async unschedule(rows: readonly DeadlineRow[]): Promise<void> {
    const q = this.queues.queue(QueueName.Timers);
    await Promise.all(rows.map((d) => q.remove(jobId(d)).catch(() => 0)));
  }
}



