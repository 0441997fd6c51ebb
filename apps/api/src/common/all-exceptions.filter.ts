import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError, ErrorCode, FieldError } from '@cgi/shared';
import { isDatabaseUnavailable } from '../database/pg-errors';
import { DomainException } from './domain.exception';
import { ERROR_STATUS } from './error-status';
import { OverloadedException } from './overloaded.exception';
import { RateLimitedException } from './rate-limited.exception';

const HTTP_TO_CODE: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'OVERLOADED',
};

/** Fixed answers for the statuses whose Fastify/Nest message would echo the request back. */
const ABOUT: Record<number, { message: string; fields?: FieldError[] }> = {
  404: { message: 'No such resource' },
  413: { message: 'Request body is too large', fields: [{ field: 'body', message: 'is too large' }] },
  415: {
    message: 'Unsupported content type: send application/json',
    fields: [{ field: 'content-type', message: 'must be application/json' }],
  },
};

/**
 * The one filter of the HTTP transport: every error leaves in the shape of `ApiError`
 * with the request's correlation id; never a stack trace or SQL.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  /**
   * `delegates`: filters of a path prefix with an error shape of its own (Open311): every error of
   * those paths goes to them, including those raised before a controller runs (body parsing, size
   * limit).
   */
  constructor(private readonly delegates: ReadonlyArray<{ prefix: string; filter: ExceptionFilter }> = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const delegate = this.delegates.find((d) => request.url.startsWith(d.prefix));
    if (delegate) return delegate.filter.catch(exception, host);
    const reply = ctx.getResponse<FastifyReply>();
    const correlationId = String(request.id);
    const { status, body } = this.toError(exception, correlationId);
    const unavailable = body.error.code === 'UNAVAILABLE';
    if (unavailable) {
      this.logger.warn(`database unavailable (correlation id ${correlationId}): ${(exception as Error).message}`);
    } else if (status >= 500 && !(exception instanceof OverloadedException)) {
      // A refusal under load is the system working as designed, not a fault to log (ADR 0016).
      this.logger.error({ correlationId, err: exception }, 'unhandled error');
    }
    if (exception instanceof RateLimitedException || exception instanceof OverloadedException) void reply.header('retry-after', String(exception.retryAfterSeconds));
    if (unavailable) void reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    void reply.status(status).header('x-correlation-id', correlationId).send(body);
  }

  private toError(exception: unknown, correlationId: string): { status: number; body: ApiError } {
    if (exception instanceof DomainException) {
      return {
        status: ERROR_STATUS[exception.code],
        body: {
          error: {
            code: exception.code,
            message: exception.message,
            correlationId,
            ...(exception.fields ? { fields: exception.fields } : {}),
            ...(exception.current ? { current: exception.current } : {}),
          },
        },
      };
    }
    // Nest's own HttpExceptions, and errors raised by Fastify itself before our handlers (body
    // parsing, size limit, content type): mapped by status; they concern the body or its type.
    const status =
      exception instanceof HttpException
        ? exception.getStatus()
        : exception !== null && typeof exception === 'object'
          ? (exception as { statusCode?: unknown }).statusCode
          : undefined;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = HTTP_TO_CODE[status] ?? 'VALIDATION_FAILED';
      const raw = exception instanceof HttpException ? exception.message : `Malformed request body: ${(exception as Error).message ?? 'unreadable'}`;
      const about = ABOUT[status];
      const message = about?.message ?? raw;
      const fields = about ? about.fields : status === 400 ? [{ field: 'body', message }] : undefined;
      return { status, body: { error: { code, message, correlationId, ...(fields ? { fields } : {}) } } };
    }
    return databaseUnavailable(exception, correlationId) ?? { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal error', correlationId } } };
  }
}

/** How long a client should wait before retrying a request PostgreSQL could not take (s). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/**
 * PostgreSQL down, restarting or out of connections: 503 UNAVAILABLE (with Retry-After), not
 * 500: the client should retry. Retry safely: a connection cut just after a commit may have
 * stored the request, so intake takes an Idempotency-Key and commands a `version` (ADR 0023).
 */
export function databaseUnavailable(exception: unknown, correlationId: string): { status: number; body: ApiError } | null {
  if (!isDatabaseUnavailable(exception)) return null;
  return {
    status: ERROR_STATUS.UNAVAILABLE,
    body: { error: { code: 'UNAVAILABLE', message: 'Service temporarily unavailable: retry shortly', correlationId } },
  };
}
