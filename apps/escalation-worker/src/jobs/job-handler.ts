import type { Job } from 'bullmq';
import type { JobName, JobPayloads } from './job-names';

/** One job class per job name. Delivery is at least once: every handler is idempotent. */
export interface JobHandler<N extends JobName = JobName> {
  readonly jobName: N;
  handle(data: JobPayloads[N], job: Job<JobPayloads[N]>, token?: string): Promise<void>;
}

/** The injection token of every job handler (a multi-provider list built in WorkerModule). */
export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

/** Refuses a handler list where a job name has no handler, or two. */
export function checkHandlers(handlers: readonly JobHandler[], names: readonly JobName[]): Map<JobName, JobHandler> {
  const byName = new Map<JobName, JobHandler>();
  const problems: string[] = [];
  for (const h of handlers) {
    if (byName.has(h.jobName)) problems.push(`job ${h.jobName} has two handlers (${byName.get(h.jobName)!.constructor.name}, ${h.constructor.name})`);
    byName.set(h.jobName, h);
  }
  for (const n of names) if (!byName.has(n)) problems.push(`job ${n} has no handler`);
  if (problems.length > 0) throw new Error(`Refusing to start: ${problems.join('; ')}`);
  return byName;
}
