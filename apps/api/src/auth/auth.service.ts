import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { DataSource } from 'typeorm';
import type { Department, Role } from '@cgi/shared';
import { DomainException } from '../common/domain.exception';
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

export interface LoginResult {
  accessToken: string;
  expiresIn: number;
  user: { id: string; username: string; displayName: string; role: Role; department: Department | null };
}

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jwt: JwtService,
  ) {}

  async login(username: string, password: string): Promise<LoginResult> {
    const [user]: UserRow[] = await this.ds.query(`SELECT * FROM users WHERE username = $1`, [username]);
    // Verify against a hash even when the user is unknown, so timing does not reveal usernames.
    const hash = user?.password_hash ?? DUMMY_HASH;
    const ok = await argon2.verify(hash, password).catch(() => false);
    if (!user || !ok || user.disabled) throw new DomainException('UNAUTHENTICATED', 'Invalid username or password');
    const claims: AccessTokenClaims = { sub: user.id, username: user.username, role: user.role, department: user.department };
    const accessToken = await this.jwt.signAsync(claims);
    const decoded = this.jwt.decode<{ exp: number; iat: number }>(accessToken);
    return {
      accessToken,
      expiresIn: decoded.exp - decoded.iat,
      user: { id: user.id, username: user.username, displayName: user.display_name, role: user.role, department: user.department },
    };
  }
}

const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$0dMq0Z9s8CSeV9e3Ahx8vE7HcKbV4wI3cGm1cL6m0wA';
