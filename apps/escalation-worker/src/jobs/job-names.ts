/** Every BullMQ queue of the worker. */
export enum QueueName {
  /** Events relayed from the outbox (the event log). */
  Events = 'escalation-events',
  /** One delayed job per pending escalation deadline. */
  Timers = 'escalation-timers',
  Notifications = 'notifications',
  Maintenance = 'maintenance',
}

/** Every job name, each handled by exactly one job class (checked at boot). */
export enum JobName {
  SyncDeadlines = 'sync-deadlines',
  CheckAlertProposal = 'check-alert-proposal',
  FireDeadline = 'fire-deadline',
  DeliverWebhook = 'deliver-webhook',
  AuditDeadlines = 'audit-deadlines',
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.SyncDeadlines]: QueueName.Events,
  [JobName.CheckAlertProposal]: QueueName.Events,
  [JobName.FireDeadline]: QueueName.Timers,
  [JobName.DeliverWebhook]: QueueName.Notifications,
  [JobName.AuditDeadlines]: QueueName.Maintenance,
};

export interface JobPayloads {
  [JobName.SyncDeadlines]: { occurrenceId: string };
  [JobName.CheckAlertProposal]: { occurrenceId: string };
  [JobName.FireDeadline]: { deadlineId: string; dueAt: string };
  [JobName.DeliverWebhook]: { notificationId: string };
  [JobName.AuditDeadlines]: Record<string, never>;
}

/** Job ids are built from the data, so adding the same job twice is a no-op. BullMQ ids may not contain ':'. */
export const jobIds = {
  event: (name: JobName, position: string) => `${name}.${position}`,
  deadline: (d: { occurrenceId: string; department: string; role: string; kind: string; level: string; dueAt: Date }) =>
    `deadline.${d.occurrenceId}.${d.department}.${d.role}.${d.kind}.${d.level}.${d.dueAt.getTime()}`,
  webhook: (notificationId: string) => `webhook.${notificationId}`,
};
