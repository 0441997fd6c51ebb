import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

/**
 * Every environment variable the API and the worker read, validated at boot.
 * A bad value stops the process with a message naming the variable.
 */
export class Env {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/cgi';

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET!: string;

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(30)
  @Max(86400)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  BODY_LIMIT_BYTES = 256 * 1024;

  /** Reports farther than this from the municipality are refused; nearer ones go to CGI triage. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(200)
  SERVICE_AREA_MAX_KM = 15;

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  // --- Console (issue #6; docs/console.md) ---

  /**
   * Raster tile URL template of the console's base map; "none" for no base map (offline: parishes and
   * municipality only). Its host (a `{s}.` sub-domain placeholder allowed) is the only image origin
   * besides the API's own in the Content-Security-Policy (ADR 0022).
   */
  @Matches(/^(none|https?:\/\/(\{s\}\.)?[A-Za-z0-9.-]+(:\d{1,5})?\/\S*)$/, {
    message: 'CONSOLE_TILE_URL must be an http(s) URL template (host, optional {s}. sub-domain and port, then a path) or "none"',
  })
  CONSOLE_TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';

  /** Attribution shown on the console's map for the tile server (HTML). */
  @IsString()
  CONSOLE_TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

  /** Folder of the built console served at `/` (default: apps/console/dist in the repository). */
  @IsOptional()
  @IsString()
  CONSOLE_DIST_DIR?: string;

  /**
   * TEST ONLY. Multiplies every SLA duration when deadlines are computed at dispatch
   * (0.001 turns a 2-minute acknowledge deadline into 120 ms). Must be 1 in production.
   */
  @Transform(({ value }) => Number(value))
  @IsNumber()
  @Min(0.00001)
  @Max(1)
  SLA_TIME_SCALE = 1;

  /** Live feed: events a reconnecting socket may replay before it is told to reload a snapshot. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100000)
  LIVE_REPLAY_LIMIT = 1000;

  /**
   * Intake group commit (ADR 0013): operator and sensor reports that arrive while earlier ones are
   * being stored are written together, at most this many per statement.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(1000)
  INTAKE_BATCH_MAX = 64;

  /**
   * Intake group commit: how many batches may be written at the same time (each holds a pooled
   * connection). One writer makes the largest batches, which is what PostgreSQL does best
   * (docs/benchmarks.md): a batch takes a few milliseconds, and reports wait at most for one.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(16)
  INTAKE_BATCH_CONCURRENCY = 1;

  /**
   * Intake's bound, per API node (ADR 0016): at most this many reports taken in and not yet
   * answered. A report past it is refused before anything is read or written, with
   * 503 OVERLOADED and Retry-After (its Idempotency-Key makes the retry safe), so that the admitted
   * ones keep their latency instead of all of them queueing without end. The default is one full
   * batch (INTAKE_BATCH_MAX's default): a report then waits at most for the batch being written
   * and its own, 64 reports between them. Size it as capacity (reports/s) × latency budget (s).
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100000)
  INTAKE_MAX_QUEUE = 64;

  /**
   * Intake's latency budget on this node (ms): a report is written only if it can be stored within
   * this long of its request's arrival. One that has waited (behind body parsing, authentication and
   * the batches being written) past the budget minus the duration expected of its batch (from the
   * recent batches; the wait allowed is never less than half the budget) is refused with 503
   * OVERLOADED and Retry-After instead of being written late; nothing of it is stored (ADR 0016).
   * With INTAKE_MAX_QUEUE it keeps the admitted reports' latency bounded under overload.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(60000)
  INTAKE_MAX_WAIT_MS = 50;

  /** Retry-After of a report refused by INTAKE_MAX_QUEUE or INTAKE_MAX_WAIT_MS (seconds). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(60)
  INTAKE_RETRY_AFTER_S = 1;

  /** Live feed: how often idle sockets get the relay's position (ms). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  @Max(300000)
  LIVE_HEARTBEAT_MS = 5000;

  /** Live feed: the relay polls the event log this often when no NOTIFY wakes it (ms). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  @Max(60000)
  LIVE_POLL_MS = 200;

  /**
   * Live feed: under a stream of NOTIFYs the relay reads the log at most once per this many ms, so
   * a busy minute is a few large batches, not one tiny batch per transaction (0 turns it off).
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(1000)
  LIVE_COALESCE_MS = 10;

  /** Live feed: how often a node that is not the relay tries to become it (ms). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(50)
  @Max(60000)
  LIVE_LEADER_RETRY_MS = 2000;

  /** Live feed: packets queued for one socket beyond which it stops getting live events and catches up later. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100000)
  LIVE_SOCKET_BUFFER_LIMIT = 500;

  // --- Identity and security (issue #3; docs/operations.md "Security operations") ---

  /** Lifetime of a refresh token; each refresh rotates it. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(60)
  @Max(90 * 86400)
  JWT_REFRESH_TTL_SECONDS = 7 * 86400;

  /** Consecutive failed logins of one username from one client IP before that pair is locked. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100)
  LOGIN_MAX_FAILURES = 5;

  /** The first lock of a (username, client IP), in seconds; it doubles at each further failure. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(86400)
  LOGIN_LOCKOUT_BASE_SECONDS = 30;

  /** The longest lock of a (username, client IP): the doubling stops here. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(86400)
  LOGIN_LOCKOUT_SECONDS = 900;

  /** Failed logins per client IP (any usernames) within a day before that IP may not log in until the day lapses. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  LOGIN_IP_MAX_FAILURES_PER_DAY = 100;

  /**
   * How often each node re-reads the disabled users from the database, in case it missed a
   * disable published on Redis (the channel is the fast path: within milliseconds).
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  @Max(300000)
  USER_REVOCATION_RELOAD_MS = 5000;

  /** Requests per minute per authenticated user. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  RATE_LIMIT_USER_PER_MINUTE = 1200;

  /** Requests per minute per integration API key. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  RATE_LIMIT_API_KEY_PER_MINUTE = 600;

  /** Requests per minute per client IP on public endpoints (health probes excepted). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  RATE_LIMIT_PUBLIC_IP_PER_MINUTE = 300;

  /** Login, refresh and logout attempts per minute per client IP. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGIN_IP_PER_MINUTE = 30;

  /** Prefix of the Redis keys of rate limits and lockouts (lets several deployments share a Redis). */
  @Matches(/^[a-z0-9:_-]{1,40}$/, { message: 'RATE_LIMIT_KEY_PREFIX must be 1-40 of a-z 0-9 : _ -' })
  RATE_LIMIT_KEY_PREFIX = 'cgi:rl';

  /**
   * Which proxies' X-Forwarded-For is believed for the client IP: "false", "true", a hop count,
   * or a comma-separated list of addresses/CIDRs (Fastify trustProxy).
   */
  @IsString()
  TRUST_PROXY = 'loopback,linklocal,uniquelocal';

  /** GDPR: reporter contact data is anonymised this many days after the occurrence closed. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(36500)
  RETENTION_DAYS_AFTER_CLOSURE = 730;

  /** Cron pattern (Europe/Lisbon) of the retention job; "off" runs no scheduler or worker in this process. */
  @IsString()
  RETENTION_JOB_CRON = '17 3 * * *';

  // --- Open311 and status callbacks (issue #8; docs/api.md "Open311 (Gabinete do Munícipe)") ---

  /** Public base URL of the API: Open311 discovery and the citizens' status-page links. */
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'PUBLIC_BASE_URL must be an http(s) URL' })
  PUBLIC_BASE_URL = 'http://localhost:3000';

  /** Status callbacks: the relay reads the event log this often (ms). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  @Max(60000)
  CALLBACK_POLL_MS = 500;

  /** Status callbacks: first retry delay (ms); doubles per attempt up to CALLBACK_BACKOFF_MAX_MS. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(3600000)
  CALLBACK_BACKOFF_MS = 5000;

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(86400000)
  CALLBACK_BACKOFF_MAX_MS = 3600000;

  /** Status callbacks: attempts of one job; then the sweeper schedules it again (a delivery is never dropped). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100)
  CALLBACK_MAX_ATTEMPTS = 15;

  /** Status callbacks: how often the relay re-schedules undelivered callbacks whose job is gone (ms). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  @Max(3600000)
  CALLBACK_SWEEP_MS = 60000;

  /** Status callbacks: timeout of one POST to a client's webhook (ms). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  @Max(60000)
  CALLBACK_TIMEOUT_MS = 10000;

  /** BullMQ key prefix of the status-callback queue (lets several deployments or test runs share a Redis). */
  @Matches(/^[a-z0-9:_-]{1,60}$/, { message: 'CALLBACK_QUEUE_PREFIX must be 1-60 of a-z 0-9 : _ -' })
  CALLBACK_QUEUE_PREFIX = 'cgi:bull';

  // --- Public alerts in CAP 1.2 (issue 16; docs/operations.md "Public alerts (CAP 1.2)") ---

  /** CAP `sender` of every public alert (an e-mail-like id); the identifiers derive from it. */
  @Matches(/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/, { message: 'CAP_SENDER must look like name@domain (CAP sender)' })
  CAP_SENDER = 'cgi@cm-porto.pt';

  /** CAP `status` of the messages: Actual in production; Exercise or Test for drills and staging. */
  @IsIn(['Actual', 'Exercise', 'Test'])
  CAP_STATUS: 'Actual' | 'Exercise' | 'Test' = 'Actual';
  // --- Units: AVL positions (issue 14; docs/operations.md "MQTT broker and AVL positions") ---

  /**
   * The MQTT broker the API subscribes to for unit positions (`$share/cgi-api/cgi/units/+/position`,
   * QoS 1). Unset: no MQTT consumer on this node (HTTP batches still work). npm start and the tests
   * take it from var/mosquitto/credentials.env (infra/mosquitto.sh).
   */
  @IsOptional()
  @Matches(/^mqtts?:\/\/[^\s]+$/, { message: 'MQTT_URL must be an mqtt:// or mqtts:// URL' })
  MQTT_URL?: string;

  @IsOptional()
  @IsString()
  MQTT_USERNAME?: string;

  @IsOptional()
  @IsString()
  MQTT_PASSWORD?: string;

  /**
   * The shared subscription's group: the API nodes of one deployment share one (the broker hands
   * each message to one of them). Another deployment on the same broker needs its own.
   */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'MQTT_SHARE_GROUP must be 1-64 of A-Z a-z 0-9 _ -' })
  MQTT_SHARE_GROUP = 'cgi-api';

  /** Accepted positions are kept in `unit_positions` (trail, after-action report) this many days. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(3650)
  UNIT_POSITION_RETENTION_DAYS = 30;

  /** Cron pattern (Europe/Lisbon) of the pruning of `unit_positions`; "off" runs no scheduler or worker in this process. */
  @IsString()
  UNIT_POSITION_PRUNE_CRON = '41 * * * *';

  /** A fix farther than this from Porto's centre is refused (bad coordinates, a device abroad). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(500)
  UNIT_POSITION_SERVICE_AREA_KM = 25;

  /** Device clocks drift: a fix up to this many seconds ahead of the server's clock is accepted. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(3600)
  UNIT_POSITION_MAX_CLOCK_SKEW_S = 30;

  /** Fixes older than this many hours are refused (a gateway replaying an old buffer). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(720)
  UNIT_POSITION_MAX_AGE_HOURS = 24;

  /**
   * Positions to consoles: a unit's position goes out at once when the unit sent none in the last
   * second (leading edge), else the newest is sent when its second ends; positions due together are
   * sent in one message, gathered for at most this many ms.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(1000)
  UNIT_POSITIONS_LIVE_GATHER_MS = 20;

  // --- Urban Platform: FIWARE NGSI-LD in and out (issue 15; docs/operations.md "Urban Platform (NGSI-LD)") ---

  /**
   * The Urban Platform's context broker (Orion-LD, Scorpio, Stellio), its base URL without
   * /ngsi-ld/v1. Unset: no subscriptions are made and nothing is published (the notification
   * receiver and the NGSI-LD queries still answer).
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+[^/\s]$/, { message: 'PLATFORM_BROKER_URL must be an http(s) URL without a trailing slash' })
  PLATFORM_BROKER_URL?: string;

  /** Sent to the broker as `Authorization: Bearer …` when set (the platform's access token). */
  @IsOptional()
  @IsString()
  PLATFORM_BROKER_TOKEN?: string;

  /** Sent as NGSILD-Tenant when the platform hosts the CGI in a tenant of its own. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'PLATFORM_TENANT must be 1-64 of A-Z a-z 0-9 _ -' })
  PLATFORM_TENANT?: string;

  /**
   * The URL the broker notifies (this API's POST /ngsi-ld/v1/notify as the broker reaches it) and
   * the API key (scope platform:notify) the subscriptions make it send; both needed for the CGI
   * to subscribe at start.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'PLATFORM_NOTIFY_URL must be an http(s) URL' })
  PLATFORM_NOTIFY_URL?: string;

  @IsOptional()
  @IsString()
  PLATFORM_NOTIFY_API_KEY?: string;

  /** Entities one notification may carry (BODY_LIMIT_BYTES bounds it too: 256 KB hold about 600 Alerts). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(10000)
  PLATFORM_NOTIFY_MAX_ENTITIES = 500;

  /** "off": this node publishes nothing to the broker (another deployment does). */
  @IsIn(['on', 'off'])
  PLATFORM_PUBLISH: 'on' | 'off' = 'on';

  /** The publisher reads the event log this often when no NOTIFY wakes it (ms). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  @Max(60000)
  PLATFORM_PUBLISH_POLL_MS = 500;

  /** Events read per pass; their occurrences go in one upsert. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(1000)
  PLATFORM_PUBLISH_BATCH = 200;

  /** After a failed upsert the publisher waits this long, doubled each time up to the maximum (ms). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(3600000)
  PLATFORM_PUBLISH_BACKOFF_MS = 1000;

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(3600000)
  PLATFORM_PUBLISH_BACKOFF_MAX_MS = 300000;

  /** Timeout of one request to the broker (ms). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  @Max(120000)
  PLATFORM_HTTP_TIMEOUT_MS = 10000;
  // --- Open data (issue 16; docs/open-data.md, docs/operations.md "Open data") ---

  /** Cron pattern (Europe/Lisbon) of the open data generation; "off" runs no scheduler or worker in this process. */
  @IsString()
  OPEN_DATA_CRON = '23 4 * * *';

  /** Each run regenerates this many days before today (late resolutions reach recent files) and the last month. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(62)
  OPEN_DATA_REFRESH_DAYS = 7;

  /** k-anonymity: a cell × category × period with fewer citizen reports than this is suppressed. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100)
  OPEN_DATA_K = 3;

  /** Side of the published grid's cells, metres (ETRS89 / PT-TM06). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(50)
  @Max(5000)
  OPEN_DATA_GRID_M = 100;
}

export class InvalidEnvironmentError extends Error {}

export function validateEnv(raw: Record<string, string | undefined>): Env {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Env, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, skipMissingProperties: false });
  const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
  if (env.NODE_ENV === 'production' && env.SLA_TIME_SCALE !== 1) {
    lines.push('  SLA_TIME_SCALE: must be 1 (or unset) when NODE_ENV=production; it only shortens SLAs for tests');
  }
  if (lines.length > 0) {
    throw new InvalidEnvironmentError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  return env;
}
