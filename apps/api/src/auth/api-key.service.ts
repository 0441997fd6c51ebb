import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ApiKeyScope } from '@cgi/shared';
import { SecurityAuditService } from '../audit/security-audit.service';
import { notFound } from '../common/domain.exception';
import type { Actor } from './actor';

export interface ApiKeyView {
  id: string;
  clientName: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  client_name: string;
  prefix: string;
  key_hash: string;
  scopes: ApiKeyScope[];
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const KEY_PATTERN = /^cgi_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * API keys of integration clients: `cgi_<prefix>_<secret>`, 256 random bits of secret. Only the
 * sha256 of the key is stored (a slow hash adds nothing for a key of that entropy); the key is
 * shown once, at creation. The prefix finds the row; the hash is compared in constant time.
 */
@Injectable()
export class ApiKeyService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: SecurityAuditService,
  ) {}

  async create(clientName: string, scopes: ApiKeyScope[], createdBy: string): Promise<ApiKeyView & { key: string }> {
    const prefix = randomBytes(6).toString('hex');
    const key = `cgi_${prefix}_${randomBytes(32).toString('base64url')}`;
    const row = await this.ds.transaction(async (m) => {
      const [r]: ApiKeyRow[] = await m.query(
        `INSERT INTO api_keys (client_name, prefix, key_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [clientName, prefix, sha256(key), [...new Set(scopes)].sort(), createdBy],
      );
      await this.audit.record(m, { actor: createdBy, action: 'API_KEY_CREATED', target: r.id, details: { clientName, prefix, scopes: r.scopes } });
      return r;
    });
    return { ...toView(row), key };
  }

  async list(): Promise<ApiKeyView[]> {
    const rows: ApiKeyRow[] = await this.ds.query(`SELECT * FROM api_keys ORDER BY created_at DESC, id`);
    return rows.map(toView);
  }

  /** Revokes at once (the next request with the key answers 401); revoking twice is a no-op. */
  async revoke(id: string, by: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      const [row]: ApiKeyRow[] = await m.query(`SELECT * FROM api_keys WHERE id = $1 FOR UPDATE`, [id]);
      if (!row) throw notFound('API key');
      if (row.revoked_at) return;
      await m.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [id]);
      await this.audit.record(m, { actor: by, action: 'API_KEY_REVOKED', target: id, details: { clientName: row.client_name, prefix: row.prefix } });
    });
  }

  /**
   * The integration actor a key stands for, or null for an unknown, malformed or revoked key.
   * Use is recorded as last_used_at, and audited at most once a minute per key.
   */
  async authenticate(key: string): Promise<Actor | null> {
    const match = KEY_PATTERN.exec(key);
    if (!match) return null;
    const [row]: ApiKeyRow[] = await this.ds.query(`SELECT * FROM api_keys WHERE prefix = $1`, [match[1]]);
    if (!row) return null;
    const ok = timingSafeEqual(Buffer.from(sha256(key), 'hex'), Buffer.from(row.key_hash, 'hex'));
    if (!ok || row.revoked_at) return null;
    const actor: Actor = { id: row.id, username: row.client_name, role: 'INTEGRATION', department: null, scopes: row.scopes };
    const touched: unknown[] = await this.ds.query(
      `WITH touched AS (
         UPDATE api_keys SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') RETURNING id)
       SELECT id FROM touched`,
      [row.id],
    );
    if (touched.length > 0) {
      await this.audit.record(null, { actor: `INTEGRATION:${row.client_name}`, action: 'API_KEY_USED', target: row.id, details: { prefix: row.prefix } });
    }
    return actor;
  }
}

function toView(r: ApiKeyRow): ApiKeyView {
  return {
    id: r.id, clientName: r.client_name, prefix: r.prefix, scopes: r.scopes, createdAt: r.created_at.toISOString(),
    createdBy: r.created_by, revokedAt: r.revoked_at?.toISOString() ?? null, lastUsedAt: r.last_used_at?.toISOString() ?? null,
  };
}
