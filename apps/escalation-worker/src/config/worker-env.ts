import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const int = () => Transform(({ value }) => Number(value));

/** Every environment variable the escalation worker reads, validated at boot. */
export class WorkerEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/cgi';

  @int() @IsInt() @Min(2) @Max(200)
  DATABASE_POOL_SIZE = 12;

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** BullMQ key prefix: lets tests and benchmarks share a Redis without seeing each other's queues. */
  @IsString() @Matches(/^[a-z0-9_-]+$/i)
  QUEUE_PREFIX = 'cgi';

  @int() @IsInt() @Min(0) @Max(65535)
  WORKER_PORT = 3001;

  @IsString()
  HOST = '0.0.0.0';

  /** Deadline jobs run at once per worker process. */
  @int() @IsInt() @Min(1) @Max(100)
  TIMER_CONCURRENCY = 8;

  /** Deadline rows fired per transaction when due deadlines are fired in batches. */
  @int() @IsInt() @Min(1) @Max(5000)
  FIRE_BATCH_SIZE = 500;

  /** How often each worker fires whatever is due straight from PostgreSQL, whatever Redis does (ms). */
  @int() @IsInt() @Min(100) @Max(60_000)
  SWEEP_INTERVAL_MS = 1000;

  /** How often the outbox relay polls the event log when no NOTIFY woke it (ms). */
  @int() @IsInt() @Min(50) @Max(10_000)
  RELAY_POLL_MS = 300;

  /** The auditor's period (ms): rebuilds lost timers from PostgreSQL. */
  @int() @IsInt() @Min(500) @Max(600_000)
  AUDIT_INTERVAL_MS = 30_000;

  /** An escalation more than this overdue raises the dead-man alarm (s). */
  @int() @IsInt() @Min(1) @Max(3600)
  DEADMAN_SECONDS = 60;

  /** BullMQ job lock (ms): a job held by a dead worker is retried after about this long. */
  @int() @IsInt() @Min(1000) @Max(600_000)
  JOB_LOCK_MS = 30_000;

  /** Attempts of a job before it is kept as a dead letter. */
  @int() @IsInt() @Min(1) @Max(50)
  JOB_ATTEMPTS = 8;

  /** First retry delay (ms), doubled on each attempt. */
  @int() @IsInt() @Min(10) @Max(600_000)
  JOB_BACKOFF_MS = 1000;

  /** Escalation webhook: every notification is POSTed here, signed with WEBHOOK_SECRET (HMAC-SHA256). */
  @IsOptional() @Matches(/^https?:\/\/.+/, { message: 'WEBHOOK_URL must be an http(s) URL' })
  WEBHOOK_URL?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'WEBHOOK_SECRET must be at least 16 characters' })
  WEBHOOK_SECRET?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

export class InvalidWorkerEnvironmentError extends Error {}

export function validateWorkerEnv(raw: Record<string, string | undefined>): WorkerEnv {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(WorkerEnv, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, skipMissingProperties: false });
  const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
  if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) lines.push('  WEBHOOK_SECRET: required when WEBHOOK_URL is set');
  if (lines.length > 0) throw new InvalidWorkerEnvironmentError(`Invalid environment configuration:\n${lines.join('\n')}`);
  return env;
}
