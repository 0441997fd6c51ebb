import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { ExceptionFilter } from '@nestjs/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainException } from './domain.exception';
import { MAX_BODY_DEPTH, tooDeep } from './json-depth';

/** Fastify's router limit on one path parameter (its default, kept): longer answers 400 `path`. */
export const MAX_PARAM_LENGTH = 100;

/**
 * Fastify's router refusals (a path parameter over MAX_PARAM_LENGTH characters, a malformed
 * percent-encoding) happen before any hook or handler; by default Fastify answers them itself, in
 * its own shape and echoing the path. This hands them to the one exception filter instead, as a
 * 400 naming `path` without repeating it.
 */
export function frameworkErrorHandler(filter: ExceptionFilter) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const message =
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? `a path segment is longer than ${MAX_PARAM_LENGTH} characters`
        : 'is not a valid URL path (malformed percent-encoding)';
    const exception = new DomainException('VALIDATION_FAILED', 'Invalid request: path', [{ field: 'path', message }]);
    filter.catch(exception, new ExecutionContextHost([request, reply]));
  };
}

/**
 * Refuses a JSON body nested deeper than MAX_BODY_DEPTH before validation: class-transformer and
 * class-validator recurse, and ~2,000 nested arrays overflowed the stack (a 500 for anyone, even
 * without a token). Runs before authentication, as the body parser does.
 */
export function refuseDeepBodies(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const deep = tooDeep(request.body, MAX_BODY_DEPTH);
    if (!deep) return done();
    done(new DomainException('VALIDATION_FAILED', `Invalid request: ${deep.field}`, [deep]));
  });
}
