import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { requestContext } from '../common/request-context';

/** The actions the security audit log records (docs/api.md "Authentication and roles"). */
export const AUDIT_ACTIONS = [
  'LOGIN_SUCCEEDED',
  'LOGIN_FAILED',
  'LOGIN_LOCKED_OUT',
  'TOKEN_REFRESHED',
  'REFRESH_TOKEN_REUSED',
  'LOGOUT',
  'API_KEY_CREATED',
  'API_KEY_REVOKED',
  'API_KEY_USED',
  'API_KEY_REJECTED',
  'USER_CREATED',
  'USER_DISABLED',
  'USER_UNLOCKED',
  'RULE_SET_PUBLISHED',
  'ROUTING_OVERRIDDEN',
  'OPERATIONAL_LEVEL_SET',
  'PERSONAL_DATA_READ',
  'PERSONAL_DATA_ANONYMISED',
  'REPORT_MADE_PUBLIC',
  'REPORT_WITHDRAWN_FROM_PUBLIC',
  'ASSET_CREATED',
  'ASSET_UPDATED',
  'ASSETS_IMPORTED',
  'PUBLIC_ALERT_ISSUED',
  'PUBLIC_ALERT_UPDATED',
  'PUBLIC_ALERT_CANCELLED',
  'ALERT_SUBSCRIBER_CREATED',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  /** Who: an actor label ("CGI_SUPERVISOR:ana"), a username tried at login, or "system". */
  actor: string;
  action: AuditAction;
  /** What it was about: a user, a key, an occurrence, a scope. */
  target?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRecordView {
  id: string;
  at: string;
  actor: string;
  action: AuditAction;
  target: string | null;
  ip: string | null;
  correlationId: string | null;
  details: Record<string, unknown>;
}

/**
 * The append-only security audit log. `record(m, …)` writes in the caller's transaction,
 * so the entry commits or rolls back with the change it describes.
 */
@Injectable()
export class SecurityAuditService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async record(m: EntityManager | null, entry: AuditEntry): Promise<void> {
    const ctx = requestContext();
    await (m ?? this.ds.manager).query(
      `INSERT INTO security_audit_log (actor, action, target, ip, correlation_id, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [entry.actor, entry.action, entry.target ?? null, ctx.ip, ctx.correlationId, JSON.stringify(entry.details ?? {})],
    );
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async list(q: { limit: number; before?: string; action?: AuditAction }): Promise<{ items: AuditRecordView[]; nextBefore: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.before) {
      params.push(q.before);
      where.push(`id < $${params.length}`);
    }
    if (q.action) {
      params.push(q.action);
      where.push(`action = $${params.length}`);
    }
    params.push(q.limit + 1);
    const rows: Array<{ id: string; at: Date; actor: string; action: AuditAction; target: string | null; ip: string | null; correlation_id: string | null; details: Record<string, unknown> }> =
      await this.ds.query(
        `SELECT id::text, at, actor, action, target, ip, correlation_id, details FROM security_audit_log
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
        params,
      );
    const items = rows.slice(0, q.limit).map((r) => ({
      id: r.id, at: r.at.toISOString(), actor: r.actor, action: r.action, target: r.target, ip: r.ip,
      correlationId: r.correlation_id, details: r.details,
    }));
    return { items, nextBefore: rows.length > q.limit ? items[items.length - 1].id : null };
  }
}
