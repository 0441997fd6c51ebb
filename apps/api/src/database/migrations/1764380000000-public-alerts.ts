import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Public alerts in CAP 1.2 (issue 16, ADR 0028). An alert is a thread of messages (Alert, then
 * Updates, then at most one Cancel); every message is kept as issued, XML included, and never
 * edited: `public_alert_messages` refuses UPDATE and DELETE like the event log. What is in force
 * is read from each thread's latest message. Webhook subscribers (Metro, STCP, the city's app)
 * get one `public_alert_deliveries` row per message, written in the message's transaction.
 */
export class PublicAlerts1764380000000 implements MigrationInterface {
  name = 'PublicAlerts1764380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE public_alert_identifier_seq`);
    await q.query(`
      CREATE TABLE public_alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE public_alert_messages (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES public_alerts(id),
        identifier text NOT NULL UNIQUE,
        sender text NOT NULL,
        sent timestamptz NOT NULL,
        sent_cap text NOT NULL,
        msg_type text NOT NULL CHECK (msg_type IN ('Alert','Update','Cancel')),
        "references" text,
        note text,
        draft jsonb NOT NULL,
        areas jsonb NOT NULL,
        effective timestamptz NOT NULL,
        expires timestamptz NOT NULL,
        parishes text[] NOT NULL DEFAULT '{}',
        xml text NOT NULL,
        issued_by text NOT NULL
      )`);
    await q.query(`CREATE INDEX public_alert_messages_alert ON public_alert_messages (alert_id, seq)`);
    await q.query(`
      CREATE FUNCTION public_alert_messages_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'public_alert_messages is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER public_alert_messages_no_update BEFORE UPDATE OR DELETE ON public_alert_messages
      FOR EACH ROW EXECUTE FUNCTION public_alert_messages_append_only()`);
    await q.query(`
      CREATE TABLE public_alert_subscribers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        url text NOT NULL,
        secret text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE public_alert_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_seq bigint NOT NULL REFERENCES public_alert_messages(seq),
        subscriber_id uuid NOT NULL REFERENCES public_alert_subscribers(id),
        attempts int NOT NULL DEFAULT 0,
        last_attempt_at timestamptz,
        last_error text,
        delivered_at timestamptz,
        UNIQUE (message_seq, subscriber_id)
      )`);
    await q.query(`CREATE INDEX public_alert_deliveries_pending ON public_alert_deliveries (subscriber_id, message_seq) WHERE delivered_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS public_alert_deliveries`);
    await q.query(`DROP TABLE IF EXISTS public_alert_subscribers`);
    await q.query(`DROP TABLE IF EXISTS public_alert_messages`);
    await q.query(`DROP FUNCTION IF EXISTS public_alert_messages_append_only`);
    await q.query(`DROP TABLE IF EXISTS public_alerts`);
    await q.query(`DROP SEQUENCE IF EXISTS public_alert_identifier_seq`);
  }
}
