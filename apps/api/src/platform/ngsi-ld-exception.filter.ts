import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '@cgi/shared';
import { databaseUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../common/all-exceptions.filter';
import { DomainException } from '../common/domain.exception';
import { ERROR_STATUS } from '../common/error-status';
import { OverloadedException } from '../common/overloaded.exception';
import { RateLimitedException } from '../common/rate-limited.exception';

/** ETSI GS CIM 009 §5.5.2 error types. */
export const NGSI_LD_ERRORS = {
  InvalidRequest: 'https://uri.etsi.org/ngsi-ld/errors/InvalidRequest',
  BadRequestData: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData',
  ResourceNotFound: 'https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound',
  OperationNotSupported: 'https://uri.etsi.org/ngsi-ld/errors/OperationNotSupported',
  InternalError: 'https://uri.etsi.org/ngsi-ld/errors/InternalError',
} as const;

/** The ProblemDetails (RFC 7807) an NGSI-LD API answers errors with; `fields` names what was wrong. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request's correlation id (x-correlation-id). */
  instance: string;
  fields?: FieldError[];
}

/** An NGSI-LD error of a given ETSI type (an invalid query parameter, an unknown entity). */
export class NgsiLdException extends Error {
  constructor(
    readonly errorType: keyof typeof NGSI_LD_ERRORS,
    readonly status: number,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 406: 'Not acceptable',
  413: 'Payload too large', 415: 'Unsupported media type', 429: 'Too many requests', 500: 'Internal error', 503: 'Service unavailable',
};

/**
 * Every error under /ngsi-ld/ in the ETSI ProblemDetails shape (the global AllExceptionsFilter
 * hands them here, app.factory.ts): the house's DomainExceptions mapped by status, bad JSON as
 * InvalidRequest, bad data as BadRequestData with the fields named, unknown entities as
 * ResourceNotFound. 401/403/415/503 have no ETSI type: `about:blank` with the HTTP title (RFC 7807).
 */
@Catch()
export class NgsiLdExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('NGSI-LD');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const instance = String(request.id);
    const problem = this.toProblem(exception, instance);
    if (exception instanceof RateLimitedException || exception instanceof OverloadedException) void reply.header('retry-after', String(exception.retryAfterSeconds));
    if (problem.status === 503 && !(exception instanceof OverloadedException)) void reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    void reply.status(problem.status).header('x-correlation-id', instance).header('content-type', 'application/json').send(problem);
  }

  private toProblem(exception: unknown, instance: string): ProblemDetails {
    const make = (type: string, status: number, detail: string, fields?: FieldError[]): ProblemDetails => ({
      type, title: TITLES[status] ?? 'Error', status, detail, instance, ...(fields && fields.length ? { fields } : {}),
    });
    if (exception instanceof NgsiLdException) return make(NGSI_LD_ERRORS[exception.errorType], exception.status, exception.message, exception.fields);
    if (exception instanceof DomainException) {
      const status = ERROR_STATUS[exception.code];
      const detail = exception.fields?.length ? `${exception.message}: ${exception.fields.map((f) => `${f.field} ${f.message}`).join('; ')}` : exception.message;
      if (status === 400 || status === 409 || status === 422) return make(NGSI_LD_ERRORS.BadRequestData, 400, detail, exception.fields);
      if (status === 404) return make(NGSI_LD_ERRORS.ResourceNotFound, 404, detail);
      if (status >= 500 && status !== 503) return this.internal(exception, instance, make);
      return make('about:blank', status, detail);
    }
    const statusOf = exception instanceof HttpException
      ? exception.getStatus()
      : exception !== null && typeof exception === 'object' ? (exception as { statusCode?: unknown }).statusCode : undefined;
    if (typeof statusOf === 'number' && statusOf >= 400 && statusOf < 500) {
      if (statusOf === 404) return make(NGSI_LD_ERRORS.ResourceNotFound, 404, 'No such resource');
      if (statusOf === 413) return make('about:blank', 413, 'The request body is too large', [{ field: 'body', message: 'is too large' }]);
      if (statusOf === 415) {
        return make('about:blank', 415, 'Unsupported content type: send application/json or application/ld+json', [{ field: 'content-type', message: 'must be application/json or application/ld+json' }]);
      }
      if (statusOf === 400) return make(NGSI_LD_ERRORS.InvalidRequest, 400, 'The body is not valid JSON', [{ field: 'body', message: 'is not valid JSON' }]);
      return make('about:blank', statusOf, (exception as Error).message ?? 'Error');
    }
    const unavailable = databaseUnavailable(exception, instance);
    if (unavailable) return make('about:blank', 503, unavailable.body.error.message);
    return this.internal(exception, instance, make);
  }

  private internal(exception: unknown, instance: string, make: (t: string, s: number, d: string) => ProblemDetails): ProblemDetails {
    this.logger.error({ correlationId: instance, err: exception }, 'ngsi-ld error');
    return make(NGSI_LD_ERRORS.InternalError, 500, `Internal error (correlation id ${instance})`);
  }
}
