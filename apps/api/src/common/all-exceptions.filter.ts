import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError, ErrorCode } from '@cgi/shared';
import { isDatabaseUnavailable } from '../database/pg-errors';
import { DomainException } from './domain.exception';
import { ERROR_STATUS } from './error-status';
import { RateLimitedException } from './rate-limited.exception';

const HTTP_TO_CODE: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
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
    } else if (status >= 500) {
      this.logger.error({ correlationId, err: exception }, 'unhandled error');
    }
    if (exception instanceof RateLimitedException) void reply.header('retry-after', String(exception.retryAfterSeconds));
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
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = HTTP_TO_CODE[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
      // Fastify's own refusals (unparseable JSON, body too large, wrong content type) reach us
      // mapped to HttpException: they concern the body as a whole.
      const aboutBody = status === 400 || status === 413 || status === 415;
      const message = status === 413 ? 'Request body is too large' : exception.message;
      return {
        status,
        body: { error: { code, message, correlationId, ...(aboutBody ? { fields: [{ field: 'body', message }] } : {}) } },
      };
    }
    // Errors raised by Fastify itself before our handlers (body parsing, size limit, content type).
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
      const status = fastifyError.statusCode;
      const code = HTTP_TO_CODE[status] ?? 'VALIDATION_FAILED';
      const message =
        status === 413 ? 'Request body is too large' : `Malformed request body: ${fastifyError.message ?? 'unreadable'}`;
      return { status, body: { error: { code, message, correlationId, fields: [{ field: 'body', message }] } } };
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
