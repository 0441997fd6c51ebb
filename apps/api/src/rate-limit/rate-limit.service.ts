import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedException } from '../common/rate-limited.exception';
import { Env } from '../config/env';
import { REDIS } from '../redis/redis.module';

/** The buckets requests are counted in (docs/api.md "Rate limits"). */
export type RateLimitBucket = 'user' | 'apiKey' | 'publicIp' | 'loginIp';

const retryAfter = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/**
 * Fixed-window limits kept in Redis (rate-limiter-flexible), so every API node counts the
 * same requests. If Redis is unreachable each node falls back to an in-memory limiter of the
 * same size (insurance) rather than refusing or waving everything through.
 */
@Injectable()
export class RateLimitService {
  private readonly limiters: Record<RateLimitBucket, RateLimiterAbstract>;
  /** Consecutive failed logins per username (existing or not, so a lockout reveals nothing). */
  private readonly loginFailures: RateLimiterRedis;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly env: Env,
  ) {
    const make = (name: string, points: number, duration: number): RateLimiterRedis =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${env.RATE_LIMIT_KEY_PREFIX}:${name}`,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${name}-insurance`, points, duration }),
      });
    this.limiters = {
      user: make('user', env.RATE_LIMIT_USER_PER_MINUTE, 60),
      apiKey: make('key', env.RATE_LIMIT_API_KEY_PER_MINUTE, 60),
      publicIp: make('ip', env.RATE_LIMIT_PUBLIC_IP_PER_MINUTE, 60),
      loginIp: make('login-ip', env.RATE_LIMIT_LOGIN_IP_PER_MINUTE, 60),
    };
    this.loginFailures = make('login-fail', env.LOGIN_MAX_FAILURES, env.LOGIN_LOCKOUT_SECONDS);
  }

  /** Counts one request in the bucket; throws 429 with Retry-After when the window is spent. */
  async hit(bucket: RateLimitBucket, key: string): Promise<void> {
    try {
      await this.limiters[bucket].consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new RateLimitedException('Too many requests; retry later', retryAfter(rejection.msBeforeNext));
      }
      throw rejection;
    }
  }

  /** Seconds left of a username's lockout, 0 when it is not locked. */
  async lockedFor(username: string): Promise<number> {
    const res = await this.loginFailures.get(normalise(username));
    return res && res.consumedPoints >= this.env.LOGIN_MAX_FAILURES ? retryAfter(res.msBeforeNext) : 0;
  }

  /** Counts a failed login; true when this failure locked the username. */
  async recordFailure(username: string): Promise<boolean> {
    const key = normalise(username);
    const res = await this.loginFailures.penalty(key, 1);
    if (res.consumedPoints >= this.env.LOGIN_MAX_FAILURES) {
      // The lockout lasts LOGIN_LOCKOUT_SECONDS from the failure that caused it.
      await this.loginFailures.block(key, this.env.LOGIN_LOCKOUT_SECONDS);
      return res.consumedPoints === this.env.LOGIN_MAX_FAILURES;
    }
    return false;
  }

  /** A successful login (or an administrator) clears the count. */
  async clearFailures(username: string): Promise<void> {
    await this.loginFailures.delete(normalise(username));
  }
}

const normalise = (username: string): string => username.trim().toLowerCase().slice(0, 200);
