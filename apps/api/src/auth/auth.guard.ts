import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Role } from '@cgi/shared';
import { DomainException } from '../common/domain.exception';
import type { Actor } from './actor';
import { IS_PUBLIC, ROLES } from './auth.decorators';

export interface AccessTokenClaims {
  sub: string;
  username: string;
  role: Role;
  department: Actor['department'];
}

/** Global guard: a valid bearer access token on every route not marked @Public, and the route's roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; actor?: Actor }>();
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) throw new DomainException('UNAUTHENTICATED', 'Missing bearer token');
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch {
      throw new DomainException('UNAUTHENTICATED', 'Invalid or expired token');
    }
    req.actor = { id: claims.sub, username: claims.username, role: claims.role, department: claims.department };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(claims.role)) {
      throw new DomainException('FORBIDDEN', `Role ${claims.role} may not do this`);
    }
    return true;
  }
}
