/**
 * Whether `err` is PostgreSQL's unique violation (23505), of `constraint` when given, whether it
 * comes raw from node-postgres or wrapped by TypeORM (`driverError`).
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } } | null;
  const d = e?.driverError ?? e;
  return d?.code === '23505' && (constraint === undefined || d.constraint === constraint);
}

/**
 * SQLSTATEs of a server that is not there for now: connection exceptions (class 08), shutdown and
 * start-up (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now) and too many
 * connections (53300). The request may succeed if retried.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
/** Socket errors of a connection that could not be made or was cut. */
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** node-postgres says these in words only (no code): the connection went away under a query, or could not be had in time. */
const UNAVAILABLE_MESSAGE = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable)/;

/**
 * Whether `err` says PostgreSQL cannot be reached or is restarting (not that the request was
 * wrong): raw from node-postgres, wrapped by TypeORM (`driverError`), or an AggregateError of
 * several addresses refused. Such a request failed whole; the API answers 503 (docs/api.md).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown; errors?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.driverError && isDatabaseUnavailable(e.driverError)) return true;
  if (Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isDatabaseUnavailable)) return true;
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_ERRNO.has(e.code))) return true;
  return typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message);
}
