import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { DataSource, EntityManager } from 'typeorm';
import type { Department, Role } from '@cgi/shared';
import { SecurityAuditService } from '../audit/security-audit.service';
import { DomainException } from '../common/domain.exception';
import { RateLimitedException } from '../common/rate-limited.exception';
import { Env } from '../config/env';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { sha256 } from './api-key.service';
import type { AccessTokenClaims } from './auth.guard';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  department: Department | null;
  disabled: boolean;
}

interface RefreshTokenRow {
  id: string;
  user_id: string;
  family_id: string;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

export interface LoginResult {
  accessToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
  /** Opaque; exchange at POST /auth/refresh for a new pair. Single use. */
  refreshToken: string;
  refreshExpiresIn: number;
  user: { id: string; username: string; displayName: string; role: Role; department: Department | null };
}

const INVALID_CREDENTIALS = 'Invalid username or password';
const INVALID_REFRESH = 'Invalid or expired refresh token';

/**
 * The local login strategy (ADR 0006: an OIDC provider can replace it): argon2id passwords,
 * a lockout per (username, client IP) growing with each failure past LOGIN_MAX_FAILURES (ADR 0018), short JWT access tokens and
 * opaque rotating refresh tokens whose reuse revokes their whole family.
 */
@Injectable()
export class AuthService {
  /** A hash of nothing anyone knows: unknown usernames are verified against it, at the same cost. */
  private readonly dummyHash = argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id });

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jwt: JwtService,
    private readonly env: Env,
    private readonly limits: RateLimitService,
    private readonly audit: SecurityAuditService,
  ) {}

  /** `ip`: the client's address as the app derives it (TRUST_PROXY): lockouts are per (username, ip). */
  async login(username: string, password: string, ip: string): Promise<LoginResult> {
    // Unknown usernames are counted and locked like known ones: a lockout reveals nothing.
    const refusal = await this.limits.loginRefusal(username, ip);
    if (refusal) {
      await this.audit.record(null, { actor: username, action: 'LOGIN_FAILED', target: null, details: { reason: 'LOCKED_OUT', scope: refusal.scope } });
      throw new RateLimitedException(
        refusal.scope === 'IP' ? 'Too many failed logins from this address; try again later' : 'Too many failed logins for this username from this address; try again later',
        refusal.seconds,
      );
    }
    const [user]: UserRow[] = await this.ds.query(`SELECT * FROM users WHERE username = $1`, [username]);
    // Verify against a hash even when the user is unknown, so timing does not reveal usernames.
    const ok = await argon2.verify(user?.password_hash ?? (await this.dummyHash), password).catch(() => false);
    if (!user || !ok || user.disabled) {
      const reason = !user ? 'UNKNOWN_USER' : user.disabled ? 'DISABLED' : 'BAD_PASSWORD';
      await this.audit.record(null, { actor: username, action: 'LOGIN_FAILED', target: user?.id ?? null, details: { reason } });
      const lock = await this.limits.recordLoginFailure(username, ip);
      if (lock) {
        await this.audit.record(null, { actor: username, action: 'LOGIN_LOCKED_OUT', target: user?.id ?? null, details: { ...lock, ip } });
      }
      throw new DomainException('UNAUTHENTICATED', INVALID_CREDENTIALS);
    }
    await this.limits.clearLoginFailures(username, ip);
    return this.ds.transaction(async (m) => {
      await m.query(`UPDATE users SET last_login_at = now() WHERE id = $1`, [user.id]);
      const result = await this.issue(m, user, randomUUID(), null);
      await this.audit.record(m, { actor: `${user.role}:${user.username}`, action: 'LOGIN_SUCCEEDED', target: user.id });
      return result;
    });
  }

  /**
   * Rotates a refresh token: the presented one is spent and a new pair issued in its family.
   * A token presented after it was rotated is reuse (it was stolen, or the client is confused):
   * the whole family is revoked, so both the thief and the owner must log in again.
   */
  async refresh(token: string): Promise<LoginResult> {
    const outcome = await this.ds.transaction(async (m): Promise<LoginResult | 'REUSED' | 'INVALID'> => {
      const [row]: RefreshTokenRow[] = await m.query(`SELECT * FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`, [sha256(token)]);
      if (!row) return 'INVALID';
      if (row.rotated_at) {
        await m.query(
          `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'REUSE' WHERE family_id = $1 AND revoked_at IS NULL`,
          [row.family_id],
        );
        await this.audit.record(m, { actor: `user:${row.user_id}`, action: 'REFRESH_TOKEN_REUSED', target: row.user_id, details: { familyId: row.family_id, tokenId: row.id } });
        return 'REUSED';
      }
      if (row.revoked_at || row.expires_at.getTime() <= Date.now()) return 'INVALID';
      const [user]: UserRow[] = await m.query(`SELECT * FROM users WHERE id = $1`, [row.user_id]);
      if (!user || user.disabled) return 'INVALID';
      await m.query(`UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1`, [row.id]);
      const result = await this.issue(m, user, row.family_id, row.id);
      await this.audit.record(m, { actor: `${user.role}:${user.username}`, action: 'TOKEN_REFRESHED', target: user.id, details: { familyId: row.family_id } });
      return result;
    });
    if (outcome === 'REUSED') throw new DomainException('UNAUTHENTICATED', 'Refresh token reused; every session of this login is revoked');
    if (outcome === 'INVALID') throw new DomainException('UNAUTHENTICATED', INVALID_REFRESH);
    return outcome;
  }

  /** Revokes the token's family (this login on this device). Unknown tokens are ignored. */
  async logout(token: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      const [row]: RefreshTokenRow[] = await m.query(`SELECT * FROM refresh_tokens WHERE token_hash = $1`, [sha256(token)]);
      if (!row) return;
      await m.query(
        `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'LOGOUT' WHERE family_id = $1 AND revoked_at IS NULL`,
        [row.family_id],
      );
      await this.audit.record(m, { actor: `user:${row.user_id}`, action: 'LOGOUT', target: row.user_id, details: { familyId: row.family_id } });
    });
  }

  private async issue(m: EntityManager, user: UserRow, familyId: string, parentId: string | null): Promise<LoginResult> {
    const claims: AccessTokenClaims = { sub: user.id, username: user.username, role: user.role, department: user.department };
    const accessToken = await this.jwt.signAsync(claims);
    const refreshToken = randomBytes(32).toString('base64url');
    await m.query(
      `INSERT INTO refresh_tokens (user_id, family_id, parent_id, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [user.id, familyId, parentId, sha256(refreshToken), this.env.JWT_REFRESH_TTL_SECONDS],
    );
    return {
      accessToken,
      expiresIn: this.env.JWT_ACCESS_TTL_SECONDS,
      refreshToken,
      refreshExpiresIn: this.env.JWT_REFRESH_TTL_SECONDS,
      user: { id: user.id, username: user.username, displayName: user.display_name, role: user.role, department: user.department },
    };
  }
}
