import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedException } from '../common/rate-limited.exception';
import { Env } from '../config/env';
import { REDIS } from '../redis/redis.module';

/** The buckets requests are counted in (docs/api.md "Rate limits"). */
export type RateLimitBucket = 'user' | 'apiKey' | 'publicIp' | 'loginIp';

const retryAfter = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** A lock of (username, client IP) after repeated failed logins. */
export interface LoginLock {
  /** Consecutive failures of this username from this address. */
  failures: number;
  /** How long this lock lasts. */
  seconds: number;
}

/** Why a login is refused before the password is checked. */
export interface LoginRefusal {
  seconds: number;
  /** This username from this address, or this address whatever the username. */
  scope: 'USERNAME_AND_IP' | 'IP';
}

/** How long failed logins are remembered (the consecutive count and the per-address daily count). */
const FAILURE_MEMORY_SECONDS = 86400;

/**
 * Fixed-window limits kept in Redis (rate-limiter-flexible), so every API node counts the
 * same requests. If Redis is unreachable each node falls back to an in-memory limiter of the
 * same size (insurance) rather than refusing or waving everything through.
 *
 * Failed logins follow rate-limiter-flexible's brute-force pattern (ADR 0018): counted per
 * (username, client IP), so an attacker guessing a username locks only himself out, with a
 * lock that doubles at each further failure; and per client IP over a day, so one address
 * guessing many usernames is stopped too.
 */
@Injectable()
export class RateLimitService {
  private readonly limiters: Record<RateLimitBucket, RateLimiterAbstract>;
  /** Consecutive failed logins per (username, IP), usernames existing or not (a lockout reveals nothing). */
  private readonly loginFailures: RateLimiterRedis;
  /** The current lock of a (username, IP): blocked while more than its one point is spent. */
  private readonly loginLocks: RateLimiterRedis;
  /** Failed logins per client IP over a day, whatever the username. */
  private readonly loginFailuresByIp: RateLimiterRedis;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
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
    this.loginFailures = make('login-fail', 1_000_000_000, FAILURE_MEMORY_SECONDS);
    this.loginLocks = make('login-lock', 1, 1);
    this.loginFailuresByIp = make('login-fail-ip', env.LOGIN_IP_MAX_FAILURES_PER_DAY, FAILURE_MEMORY_SECONDS);
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

  /** Null when `username` may try to log in from `ip` now; else how long to wait, and why. */
  async loginRefusal(username: string, ip: string): Promise<LoginRefusal | null> {
    const [lock, byIp] = await Promise.all([this.loginLocks.get(pairKey(username, ip)), this.loginFailuresByIp.get(ip)]);
    if (lock && lock.consumedPoints > 1) return { seconds: retryAfter(lock.msBeforeNext), scope: 'USERNAME_AND_IP' };
    if (byIp && byIp.consumedPoints >= this.env.LOGIN_IP_MAX_FAILURES_PER_DAY) return { seconds: retryAfter(byIp.msBeforeNext), scope: 'IP' };
    return null;
  }

  /**
   * Counts a failed login of `username` from `ip`. From the LOGIN_MAX_FAILURES-th consecutive
   * failure on, the pair is locked for LOGIN_LOCKOUT_BASE_SECONDS, doubling at each further
   * failure, up to LOGIN_LOCKOUT_SECONDS. Returns the lock this failure set, if any.
   */
  async recordLoginFailure(username: string, ip: string): Promise<LoginLock | null> {
    const key = pairKey(username, ip);
    const addresses = this.addressesKey(username);
    const [res] = await Promise.all([
      this.loginFailures.penalty(key, 1),
      this.loginFailuresByIp.penalty(ip, 1),
      // For the administrator's unlock; with Redis away the insurance limiters count and unlock lists nothing.
      this.redis.multi().sadd(addresses, ip).expire(addresses, FAILURE_MEMORY_SECONDS).exec().catch(() => undefined),
    ]);
    const failures = res.consumedPoints;
    if (failures < this.env.LOGIN_MAX_FAILURES) return null;
    const seconds = lockSeconds(failures - this.env.LOGIN_MAX_FAILURES, this.env.LOGIN_LOCKOUT_BASE_SECONDS, this.env.LOGIN_LOCKOUT_SECONDS);
    await this.loginLocks.block(key, seconds);
    return { failures, seconds };
  }

  /** A successful login clears this username's count from this address only: an attacker's lock elsewhere stays. */
  async clearLoginFailures(username: string, ip: string): Promise<void> {
    await Promise.all([this.loginFailures.delete(pairKey(username, ip)), this.loginLocks.delete(pairKey(username, ip))]);
  }

  /**
   * An administrator's unlock: clears the username's locks and counts from every address it
   * failed from in the last day, and those addresses' daily failure counts. Returns the addresses.
   */
  async unlockLogin(username: string): Promise<string[]> {
    const addresses = this.addressesKey(username);
    const ips = (await this.redis.smembers(addresses)).sort();
    await Promise.all(
      ips.flatMap((ip) => [
        this.loginFailures.delete(pairKey(username, ip)),
        this.loginLocks.delete(pairKey(username, ip)),
        this.loginFailuresByIp.delete(ip),
      ]),
    );
    await this.redis.del(addresses);
    return ips;
  }

  private addressesKey(username: string): string {
    return `${this.env.RATE_LIMIT_KEY_PREFIX}:login-addresses:${normalise(username)}`;
  }
}

/** The lock after the n-th failure past the threshold (n = 0, 1, …): base · 2^n seconds, at most `max`. */
export function lockSeconds(n: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.min(n, 30));
}

const normalise = (username: string): string => username.trim().toLowerCase().slice(0, 200);
const pairKey = (username: string, ip: string): string => `${normalise(username)}|${ip}`;
