import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity and security (issue #3): rotating refresh tokens, integration API keys,
 * the append-only security audit log, and the index the GDPR retention job reads.
 */
export class Security1764310000000 implements MigrationInterface {
  name = 'Security1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN last_login_at timestamptz`);
    await q.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz`);

    // Opaque refresh tokens, stored as their sha256. A login starts a family; each refresh
    // rotates (marks the token rotated and issues a child). Presenting a rotated token
    // again is reuse: the whole family is revoked.
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        parent_id uuid REFERENCES refresh_tokens(id) ON DELETE SET NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id) WHERE revoked_at IS NULL`);

    // Integration clients (Gabinete do Munícipe, Urban Platform). Key format cgi_<prefix>_<secret>;
    // only the sha256 of the whole key is stored (the key is 256 bits of randomness).
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_name text NOT NULL,
        prefix text NOT NULL UNIQUE,
        key_hash text NOT NULL,
        scopes text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);

    await q.query(`
      CREATE TABLE security_audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        target text,
        ip text,
        correlation_id text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX security_audit_log_action_at ON security_audit_log (action, at DESC)`);
    await q.query(`
      CREATE FUNCTION security_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'security_audit_log is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER security_audit_log_no_update BEFORE UPDATE OR DELETE ON security_audit_log
      FOR EACH ROW EXECUTE FUNCTION security_audit_log_append_only()`);

    await q.query(`CREATE INDEX reporter_contacts_not_anonymised ON reporter_contacts (occurrence_id) WHERE anonymised_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS reporter_contacts_not_anonymised`);
    await q.query(`DROP TABLE IF EXISTS security_audit_log`);
    await q.query(`DROP FUNCTION IF EXISTS security_audit_log_append_only`);
    await q.query(`DROP TABLE IF EXISTS api_keys`);
    await q.query(`DROP TABLE IF EXISTS refresh_tokens`);
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS disabled_at`);
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS last_login_at`);
  }
}
