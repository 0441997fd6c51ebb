import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainException } from '../common/domain.exception';
import { ERROR_STATUS } from '../common/error-status';
import { FormEncodingError } from '../common/form-body';
import { FORM_ONLY } from './open311.constants';
import { isDatabaseUnavailable } from '../database/pg-errors';
import { formatOfUrl, send } from './open311-format';
import { Open311Exception, type Open311ErrorItem } from './open311.exception';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/**
 * The Open311 transport's own error shape (GeoReport v2 "Errors"): `[{code, description}]` in
 * JSON, `<errors><error><code/><description/></error></errors>` in XML, in the format the URL
 * asked for; 404 for what does not exist, 403 for a missing or wrong api_key, 400 otherwise.
 * The global AllExceptionsFilter hands it every error under /open311/ (app.factory.ts).
 */
@Catch()
export class Open311ExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Open311');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const { status, errors, retryAfter } = this.toErrors(exception, String(request.id));
    if (retryAfter) void reply.header('retry-after', String(retryAfter));
    const format = formatOfUrl(request.url);
    // Descriptions may quote what the client sent: control characters (NUL) cannot be in XML.
    const clean = errors.map((e) => ({ code: e.code, description: e.description.replace(CONTROL, '\uFFFD') }));
    send(reply, status, format, clean, { errors: { error: clean } });
  }

  private toErrors(exception: unknown, correlationId: string): { status: number; errors: Open311ErrorItem[]; retryAfter?: number } {
    if (exception instanceof Open311Exception) return { status: exception.status, errors: exception.errors };
    if (exception instanceof DomainException) {
      // 503 (OVERLOADED, with Retry-After) stays 503: the client retries; other 5xx are faults.
      const status = ERROR_STATUS[exception.code] >= 500 && ERROR_STATUS[exception.code] !== 503 ? 500 : ERROR_STATUS[exception.code];
      const mapped = status === 401 ? 403 : status === 409 || status === 422 ? 400 : status;
      const fields = exception.fields?.map((f) => ({ code: mapped, description: `${f.field}: ${f.message}` })) ?? [];
      const retryAfter = (exception as { retryAfterSeconds?: number }).retryAfterSeconds;
      return { status: mapped, errors: fields.length > 0 ? fields : [{ code: mapped, description: exception.message }], retryAfter };
    }
    if (exception instanceof FormEncodingError) return { status: 400, errors: [{ code: 400, description: `${exception.field}: ${exception.message}` }] };
    const statusOf = exception instanceof HttpException ? exception.getStatus() : (exception as { statusCode?: number }).statusCode;
    if (typeof statusOf === 'number' && statusOf < 500) {
      const status = statusOf === 404 || statusOf === 403 || statusOf === 415 || statusOf === 429 ? statusOf : 400;
      const message = statusOf === 413
        ? 'body: request too large'
        : statusOf === 415
          ? `content-type: ${FORM_ONLY}`
          : `request: ${(exception as Error).message}`;
      return { status, errors: [{ code: status, description: message }] };
    }
    if (isDatabaseUnavailable(exception)) {
      // PostgreSQL down or restarting: 503 with Retry-After, as on the REST API (ADR 0023).
      return { status: 503, errors: [{ code: 503, description: 'Service temporarily unavailable: retry shortly' }], retryAfter: 1 };
    }
    this.logger.error({ correlationId, err: exception }, 'open311 error');
    return { status: 500, errors: [{ code: 500, description: `Internal error (correlation id ${correlationId}); please notify the CGI` }] };
  }
}
