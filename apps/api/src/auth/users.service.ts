import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { DataSource, EntityManager } from 'typeorm';
import { DEPARTMENTS, ROLES, type Department, type FieldError, type Role } from '@cgi/shared';
import { SecurityAuditService } from '../audit/security-audit.service';
import { DomainException, notFound } from '../common/domain.exception';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { isUniqueViolation } from '../database/pg-errors';
import { UserRevocationService } from './user-revocation.service';

/** Roles a person can have (INTEGRATION is for API keys, never a user). */
export const USER_ROLES = ROLES.filter((r): r is Exclude<Role, 'INTEGRATION'> => r !== 'INTEGRATION');
export type UserRole = (typeof USER_ROLES)[number];
export const DEPARTMENT_ROLES: readonly Role[] = ['DEPARTMENT_AGENT', 'DEPARTMENT_SUPERVISOR'];
export const MIN_PASSWORD_LENGTH = 12;

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  department?: Department | null;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  department: Department | null;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  department: Department | null;
  disabled: boolean;
  created_at: Date;
  last_login_at: Date | null;
}

/** The binding rules of a user: a department role has exactly one department, other roles none. */
export function checkNewUser(u: NewUser): FieldError[] {
  const errors: FieldError[] = [];
  if (!/^[a-z0-9._-]{3,64}$/.test(u.username)) errors.push({ field: 'username', message: 'must be 3-64 of a-z 0-9 . _ -' });
  if (!u.displayName || u.displayName.length > 200) errors.push({ field: 'displayName', message: 'must be 1-200 characters' });
  if (typeof u.password !== 'string' || u.password.length < MIN_PASSWORD_LENGTH || u.password.length > 200) {
    errors.push({ field: 'password', message: `must be ${MIN_PASSWORD_LENGTH}-200 characters` });
  }
  if (!(USER_ROLES as readonly string[]).includes(u.role)) errors.push({ field: 'role', message: `must be one of ${USER_ROLES.join(', ')}` });
  const department = u.department ?? null;
  if (DEPARTMENT_ROLES.includes(u.role)) {
    if (!department || department === 'CGI' || !DEPARTMENTS.includes(department)) {
      errors.push({ field: 'department', message: `is required for ${u.role}: one of POLICE, FIRE, CIVIL_PROTECTION, MOBILITY, ENVIRONMENT` });
    }
  } else if (department !== null) {
    errors.push({ field: 'department', message: `must be empty for ${u.role}` });
  }
  return errors;
}

/**
 * Creates a user with an argon2id password hash, in the caller's transaction or data source.
 * Used by the admin API and by the demo seed. Throws VALIDATION_FAILED (naming the field) or
 * CONFLICT when the username is taken.
 */
export async function createUser(db: DataSource | EntityManager, u: NewUser): Promise<UserView> {
  const errors = checkNewUser(u);
  if (errors.length) throw new DomainException('VALIDATION_FAILED', `Invalid user: ${errors.map((e) => e.field).join(', ')}`, errors);
  const hash = await argon2.hash(u.password, { type: argon2.argon2id });
  try {
    const [row]: UserRow[] = await db.query(
      `INSERT INTO users (username, display_name, password_hash, role, department) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, username, display_name, role, department, disabled, created_at, last_login_at`,
      [u.username, u.displayName, hash, u.role, u.department ?? null],
    );
    return toUserView(row);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new DomainException('CONFLICT', `Username ${u.username} is taken`, [{ field: 'username', message: 'is taken' }]);
    }
    throw err;
  }
}

export function toUserView(r: UserRow): UserView {
  return {
    id: r.id, username: r.username, displayName: r.display_name, role: r.role, department: r.department,
    disabled: r.disabled, createdAt: r.created_at.toISOString(), lastLoginAt: r.last_login_at?.toISOString() ?? null,
  };
}

/** Minimal user administration (ADMIN): create, list, disable, unlock. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: SecurityAuditService,
    private readonly limits: RateLimitService,
    private readonly revocations: UserRevocationService,
  ) {}

  create(u: NewUser, by: string): Promise<UserView> {
    return this.ds.transaction(async (m) => {
      const user = await createUser(m, u);
      await this.audit.record(m, { actor: by, action: 'USER_CREATED', target: user.id, details: { username: user.username, role: user.role, department: user.department } });
      return user;
    });
  }

  async list(): Promise<UserView[]> {
    const rows: UserRow[] = await this.ds.query(
      `SELECT id, username, display_name, role, department, disabled, created_at, last_login_at FROM users ORDER BY username`,
    );
    return rows.map(toUserView);
  }

  /**
   * Disables the user and revokes their refresh tokens; their access tokens are refused on every
   * node from the next request, and their live sockets are closed (UserRevocationService).
   */
  async disable(id: string, by: string): Promise<UserView> {
    const view = await this.ds.transaction(async (m) => {
      const [row]: UserRow[] = await m.query(
        `SELECT id, username, display_name, role, department, disabled, created_at, last_login_at FROM users WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row) throw notFound('User');
      if (!row.disabled) {
        await m.query(`UPDATE users SET disabled = true, disabled_at = now() WHERE id = $1`, [id]);
        await m.query(`UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'USER_DISABLED' WHERE user_id = $1 AND revoked_at IS NULL`, [id]);
        await this.audit.record(m, { actor: by, action: 'USER_DISABLED', target: id, details: { username: row.username } });
      }
      return toUserView({ ...row, disabled: true });
    });
    // After the commit, so a node re-reading the database agrees; again on a repeat (an earlier publish may have failed).
    await this.revocations.revoke(id);
    return view;
  }

  /** Lifts the user's login lockouts (from every address) and those addresses' daily failure counts. */
  async unlock(id: string, by: string): Promise<void> {
    const [row]: Array<{ username: string }> = await this.ds.query(`SELECT username FROM users WHERE id = $1`, [id]);
    if (!row) throw notFound('User');
    const addresses = await this.limits.unlockLogin(row.username);
    await this.audit.record(null, { actor: by, action: 'USER_UNLOCKED', target: id, details: { username: row.username, addresses } });
  }
}
