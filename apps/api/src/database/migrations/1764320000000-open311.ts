import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Citizen reports through the Gabinete do Munícipe (issue #8): what an Open311 client sent
 * beside the occurrence, the hashed secret of each request's public status page, the
 * integration clients' status-callback webhooks and the deliveries of those callbacks
 * (PostgreSQL is their source of truth; BullMQ only schedules the attempts).
 */
export class Open3111764320000000 implements MigrationInterface {
  name = 'Open3111764320000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per occurrence created through Open311: the client that sent it and the Open311
    // fields the occurrence has no column for. Contact data goes to reporter_contacts.
    await q.query(`
      CREATE TABLE open311_requests (
        occurrence_id uuid PRIMARY KEY REFERENCES occurrences(id) ON DELETE CASCADE,
        api_key_id uuid NOT NULL REFERENCES api_keys(id),
        account_id text,
        device_id text,
        address_id text,
        media_url text CHECK (media_url IS NULL OR media_url LIKE 'https://%'),
        attributes jsonb NOT NULL DEFAULT '{}',
        service_notice text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX open311_requests_client ON open311_requests (api_key_id)`);

    // The public status page's secret (sha256 of 256 random bits), per occurrence.
    await q.query(`
      CREATE TABLE status_page_tokens (
        occurrence_id uuid PRIMARY KEY REFERENCES occurrences(id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    // One status-callback webhook per integration client. The secret signs (HMAC-SHA256) and
    // so is kept as is; it is shown once, at registration.
    await q.query(`
      CREATE TABLE callback_webhooks (
        api_key_id uuid PRIMARY KEY REFERENCES api_keys(id) ON DELETE CASCADE,
        url text NOT NULL CHECK (url ~ '^https?://'),
        secret text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Every status change of every request of a client with a webhook, numbered per request
    // (seq 1, 2, …) in the event log's order. Delivered strictly in seq order per request.
    await q.query(`
      CREATE TABLE callback_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurrence_id uuid NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
        api_key_id uuid NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
        seq integer NOT NULL CHECK (seq >= 1),
        event_tx_id xid8 NOT NULL,
        event_seq bigint NOT NULL,
        status text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        last_attempt_at timestamptz,
        last_error text,
        delivered_at timestamptz,
        UNIQUE (occurrence_id, seq),
        UNIQUE (occurrence_id, event_tx_id, event_seq)
      )`);
    await q.query(`CREATE INDEX callback_deliveries_pending ON callback_deliveries (occurrence_id, seq) WHERE delivered_at IS NULL`);

    // The relay's checkpoint in the event log (table of the event-log consumers).
    await q.query(`INSERT INTO event_consumers (name) VALUES ('open311-callbacks') ON CONFLICT (name) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM event_consumers WHERE name = 'open311-callbacks'`);
    await q.query(`DROP TABLE IF EXISTS callback_deliveries, callback_webhooks, status_page_tokens, open311_requests`);
  }
}
