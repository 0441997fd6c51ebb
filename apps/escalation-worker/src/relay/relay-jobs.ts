import type { OccurrenceEventView } from '@cgi/shared';
import { JobName, jobIds } from '../jobs/job-names';
import type { NewJob } from '../jobs/queue.service';

/** Events after which an occurrence's deadline timers are (re)synchronised with PostgreSQL. */
const CLOCK_EVENTS = new Set([
  'DISPATCHED', 'ROUTING_OVERRIDDEN', 'ACKNOWLEDGED', 'ON_SCENE', 'RESOLVED', 'CLOSED', 'CANCELLED', 'REOPENED', 'MERGED',
]);
/** Events after which the operational-level proposal is checked (governance.md §7). */
const PROPOSAL_EVENTS = new Set(['OCCURRENCE_CREATED', 'DISPATCHED']);

/** The jobs an event of the log becomes. Ids come from the event's position: re-publishing is a no-op. */
export function jobsForEvent(e: OccurrenceEventView): Array<NewJob<JobName>> {
  const jobs: Array<NewJob<JobName>> = [];
  const occurrenceId = e.occurrenceId;
  if (!occurrenceId) return jobs;
  if (CLOCK_EVENTS.has(e.type)) {
    jobs.push({ name: JobName.SyncDeadlines, data: { occurrenceId }, opts: { jobId: jobIds.event(JobName.SyncDeadlines, e.position) } });
  }
  if (PROPOSAL_EVENTS.has(e.type)) {
    jobs.push({ name: JobName.CheckAlertProposal, data: { occurrenceId }, opts: { jobId: jobIds.event(JobName.CheckAlertProposal, e.position) } });
  }
  if (e.type === 'ESCALATED') {
    for (const notificationId of (e.payload.webhooks as string[] | undefined) ?? []) {
      jobs.push({ name: JobName.DeliverWebhook, data: { notificationId }, opts: { jobId: jobIds.webhook(notificationId) } });
    }
  }
  return jobs;
}
