import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The escalation worker's schema (governance.md §6, §7): escalation deadlines as data, the
 * checkpoints of event-log consumers (the log is the transactional outbox), notifications,
 * operational-level proposals, and a NOTIFY on every append that wakes the relay.
 */
export class Escalation1764300000000 implements MigrationInterface {
  name = 'Escalation1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per escalation trigger of the lead department, written in the dispatch transaction
    // and frozen there. Pending = fired_at and cancelled_at both null; outcome says how it ended.
    await q.query(`
      CREATE TABLE escalation_deadlines (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurrence_id uuid NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
        department text NOT NULL REFERENCES departments(code),
        kind text NOT NULL CHECK (kind IN ('ACKNOWLEDGE','ON_SCENE','RESOLVE')),
        level text NOT NULL CHECK (level IN ('L1','L2','L3')),
        due_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        fired_at timestamptz,
        cancelled_at timestamptz,
        outcome text CHECK (outcome IN ('ESCALATED','MET','LEVEL_REACHED','SUPERSEDED','RELEASED')),
        CHECK (fired_at IS NULL OR cancelled_at IS NULL),
        CHECK ((fired_at IS NULL AND cancelled_at IS NULL) = (outcome IS NULL)),
        UNIQUE (occurrence_id, department, kind, level, due_at)
      )`);
    await q.query(`
      CREATE UNIQUE INDEX escalation_deadlines_one_pending ON escalation_deadlines (occurrence_id, department, kind, level)
        WHERE fired_at IS NULL AND cancelled_at IS NULL`);
    await q.query(`
      CREATE INDEX escalation_deadlines_pending_due ON escalation_deadlines (due_at)
        WHERE fired_at IS NULL AND cancelled_at IS NULL`);

    // Where each consumer of the event log (the outbox) has got to, in the log's global order.
    await q.query(`
      CREATE TABLE event_consumers (
        name text PRIMARY KEY,
        tx_id xid8 NOT NULL DEFAULT '0'::xid8,
        seq bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE FUNCTION occurrence_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('occurrence_events', ''); RETURN NULL; END $$`);
    await q.query(`
      CREATE TRIGGER occurrence_events_notify AFTER INSERT ON occurrence_events
      FOR EACH STATEMENT EXECUTE FUNCTION occurrence_events_notify()`);

    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        occurrence_id uuid NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
        deadline_id bigint NOT NULL REFERENCES escalation_deadlines(id) ON DELETE CASCADE,
        level text NOT NULL CHECK (level IN ('L1','L2','L3')),
        recipient_kind text NOT NULL CHECK (recipient_kind IN ('DEPARTMENT','DEPARTMENT_SUPERVISOR','CGI_SUPERVISOR','MUNICIPAL_COORDINATOR','CIVIL_PROTECTION')),
        recipient_department text REFERENCES departments(code),
        channel text NOT NULL CHECK (channel IN ('IN_APP','WEBHOOK')),
        status text NOT NULL CHECK (status IN ('PENDING','DELIVERED','FAILED')),
        message text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (deadline_id, recipient_kind, channel)
      )`);
    await q.query(`CREATE INDEX notifications_recipient ON notifications (recipient_kind, recipient_department, created_at DESC)`);

    await q.query(`
      CREATE TABLE operational_level_proposals (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        scope text NOT NULL REFERENCES parishes(code),
        level text NOT NULL CHECK (level IN ('ALERT','CRISIS')),
        occurrence_count integer NOT NULL,
        window_minutes integer NOT NULL,
        proposed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX operational_level_proposals_scope ON operational_level_proposals (scope, proposed_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS operational_level_proposals, notifications, event_consumers, escalation_deadlines CASCADE`);
    await q.query(`DROP TRIGGER IF EXISTS occurrence_events_notify ON occurrence_events`);
    await q.query(`DROP FUNCTION IF EXISTS occurrence_events_notify`);
  }
}
