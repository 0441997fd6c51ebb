/** The queue of personal-data jobs and its job names: one definition, used by scheduler and worker. */
export const PRIVACY_QUEUE = 'cgi-privacy';

export enum PrivacyJob {
  /** Anonymises reporter contacts past RETENTION_DAYS_AFTER_CLOSURE. Payload: none. */
  AnonymiseExpiredContacts = 'anonymise-expired-contacts',
}

/** The id of the job scheduler: upserting it again on every boot leaves exactly one. */
export const RETENTION_SCHEDULER_ID = 'retention-daily';
