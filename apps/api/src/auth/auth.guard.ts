import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyScope, Role } from '@cgi/shared';
import { DomainException } from '../common/domain.exception';
import { RateLimitService, type RateLimitBucket } from '../rate-limit/rate-limit.service';
import type { Actor } from './actor';
import { ApiKeyService } from './api-key.service';
import { UserRevocationService } from './user-revocation.service';
import { INTEGRATION_SCOPE, IS_PUBLIC, RATE_LIMIT_BUCKET, ROLES } from './auth.decorators';

export interface AccessTokenClaims {
  sub: string;
  username: string;
  role: Role;
  department: Actor['department'];
}

type AuthRequest = FastifyRequest & { actor?: Actor };

/** Verified access tokens kept, at most (the oldest verified goes first). */
const VERIFIED_TOKENS_MAX = 10_000;

/**
 * Global guard, in this order:
 * 1. public routes: counted per client IP (health probes excepted), then let through;
 * 2. authentication: a bearer JWT access token of a user not disabled, or an integration API key
 *    (`Authorization: ApiKey <key>` or `X-API-Key: <key>`); failures count per IP;
 * 3. rate limit per user id or per API key;
 * 4. authorization: users by @Roles; API keys only where @IntegrationScope names a scope they hold.
 * The service layer checks again what depends on the data (department scoping → 404).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /**
   * Access tokens already verified, with the actor they carry, until they expire: verifying the
   * HMAC and parsing the claims again on every request of a session is the guard's main cost.
   * Only the exact token string finds an entry, and an entry is not used past the token's `exp`.
   */
  private readonly verified = new Map<string, { actor: Actor; expiresAt: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly apiKeys: ApiKeyService,
    private readonly limits: RateLimitService,
    private readonly revocations: UserRevocationService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const req = ctx.switchToHttp().getRequest<AuthRequest>();
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      if (!req.url.startsWith('/health')) {
        const bucket = this.reflector.getAllAndOverride<RateLimitBucket | undefined>(RATE_LIMIT_BUCKET, targets) ?? 'publicIp';
        await this.limits.hit(bucket, req.ip);
      }
      return true;
    }
    const actor = await this.authenticate(req);
    if (actor && actor.role !== 'INTEGRATION' && this.revocations.isRevoked(actor.id)) {
      // Disabled: refused from the next request on, on every node, though the token has not expired.
      await this.limits.hit('publicIp', req.ip);
      throw new DomainException('UNAUTHENTICATED', 'This account is disabled');
    }
    if (!actor) {
      await this.limits.hit('publicIp', req.ip);
      throw new DomainException('UNAUTHENTICATED', 'Missing, invalid or expired credentials');
    }
    req.actor = actor;
    if (actor.role === 'INTEGRATION') {
      await this.limits.hit('apiKey', actor.id);
      const scope = this.reflector.getAllAndOverride<ApiKeyScope | undefined>(INTEGRATION_SCOPE, targets);
      if (!scope) throw new DomainException('FORBIDDEN', 'API keys may not call this endpoint');
      if (!actor.scopes?.includes(scope)) throw new DomainException('FORBIDDEN', `This API key lacks the scope ${scope}`);
      return true;
    }
    await this.limits.hit('user', actor.id);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(actor.role)) {
      throw new DomainException('FORBIDDEN', `Role ${actor.role} may not do this`);
    }
    return true;
  }

  private async authenticate(req: AuthRequest): Promise<Actor | null> {
    const header = req.headers.authorization ?? '';
    const apiKeyHeader = req.headers['x-api-key'];
    if (header.startsWith('ApiKey ') || typeof apiKeyHeader === 'string') {
      const key = header.startsWith('ApiKey ') ? header.slice(7).trim() : String(apiKeyHeader).trim();
      return this.apiKeys.authenticate(key);
    }
    if (!header.startsWith('Bearer ')) return null;
    const token = header.slice(7);
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAt) return known.actor;
      this.verified.delete(token);
    }
    let claims: AccessTokenClaims & { exp?: number };
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims & { exp?: number }>(token, { algorithms: ['HS256'] });
    } catch {
      return null;
    }
    if (claims.role === 'INTEGRATION') return null;
    const actor: Actor = { id: claims.sub, username: claims.username, role: claims.role, department: claims.department };
    if (typeof claims.exp === 'number') {
      const oldest = this.verified.keys().next();
      if (this.verified.size >= VERIFIED_TOKENS_MAX && !oldest.done) this.verified.delete(oldest.value);
      this.verified.set(token, { actor, expiresAt: claims.exp * 1000 });
    }
    return actor;
  }
}
