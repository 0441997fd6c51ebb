import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { ApiKeyScope, Role } from '@cgi/shared';
import type { RateLimitBucket } from '../rate-limit/rate-limit.service';
import type { Actor } from './actor';

export const IS_PUBLIC = 'auth:public';
export const ROLES = 'auth:roles';
export const INTEGRATION_SCOPE = 'auth:integration-scope';
export const RATE_LIMIT_BUCKET = 'auth:rate-limit-bucket';

/** The route needs no authentication (it is rate limited per client IP). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
/** Only these roles may call the route (integration clients are governed by @IntegrationScope). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);
/**
 * Integration clients (API keys) may call the route when their key has this scope.
 * Without it, an API key is refused on the route (403), whatever @Roles says.
 */
export const IntegrationScope = (scope: ApiKeyScope): MethodDecorator & ClassDecorator => SetMetadata(INTEGRATION_SCOPE, scope);
/** A public route counted in another per-IP bucket than the default (login, refresh, logout). */
export const RateLimitedAs = (bucket: RateLimitBucket): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT_BUCKET, bucket);

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!req.actor) throw new Error('no actor on an authenticated route');
  return req.actor;
});
