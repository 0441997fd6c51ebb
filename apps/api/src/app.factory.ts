import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { RequestMethod, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import { AppModule } from './app.module';
import { useAssetImportBodies } from './assets/asset-import.body';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { contentSecurityPolicy, docsContentSecurityPolicy, serializeCsp } from './common/content-security-policy';
import { useStrictFormBody } from './common/form-body';
import { runWithRequestContext } from './common/request-context';
import { MAX_PARAM_LENGTH, frameworkErrorHandler, refuseDeepBodies } from './common/request-edge';
import { createValidationPipe } from './common/validation.pipe';
import type { Env } from './config/env';
import { registerConsoleStatic } from './console-static/console-static';
import { Open311ExceptionFilter } from './open311/open311-exception.filter';
import { OccurrenceIntakeService } from './occurrences/occurrence-intake.service';
import { NgsiLdExceptionFilter } from './platform/ngsi-ld-exception.filter';
import { registerStatusPageAssets } from './open311/status-page/status-page.assets';

const CORRELATION_HEADER = 'x-correlation-id';
/** The intake endpoints: REST and Open311's POST requests (ADR 0016). */
const INTAKE_URL = /^\/(api\/v1\/occurrences\/?|open311\/v2\/requests\.(json|xml))(\?|$)/;

/** Builds the API application: used by main.ts and by the tests, so both run the same stack. */
export async function createApp(env: Env, options: { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const filter = new AllExceptionsFilter([
    { prefix: '/open311/', filter: new Open311ExceptionFilter() },
    { prefix: '/ngsi-ld/', filter: new NgsiLdExceptionFilter() },
  ]);
  const adapter = new FastifyAdapter({
    bodyLimit: env.BODY_LIMIT_BYTES,
    logger: options.logger === false ? false : { level: env.LOG_LEVEL },
    requestIdHeader: CORRELATION_HEADER,
    genReqId: () => randomUUID(),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // The router's own refusals (over-long parameter, bad percent-encoding) in the one error shape.
    frameworkErrors: frameworkErrorHandler(filter),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env), adapter, {
    logger: options.logger === false ? false : nestLogLevels(env.LOG_LEVEL),
    bufferLogs: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Form bodies (Open311 POSTs, the status page's comments) decoded strictly; JSON stays Fastify's own parser.
  useStrictFormBody(app, env.BODY_LIMIT_BYTES);
  // Asset imports: CSV and GeoJSON files (issue 15).
  useAssetImportBodies(app);
  // NGSI-LD bodies (the Urban Platform's notifications, issue 15) are JSON too.
  fastify.addContentTypeParser('application/ld+json', { parseAs: 'string', bodyLimit: env.BODY_LIMIT_BYTES }, fastify.getDefaultJsonParser('error', 'error'));
  // The client IP and correlation id of the request, for the security audit log.
  fastify.addHook('onRequest', (request, _reply, done) => {
    runWithRequestContext({ ip: request.ip, correlationId: String(request.id), receivedAt: performance.now() }, done);
  });
  // Intake's bound (ADR 0016): a report is admitted as its request arrives and counted until its
  // answer is sent; past the bound it is refused before its body is read or its credentials
  // checked, so a refusal costs next to nothing and no request waits unbounded inside the node.
  const intake = app.get(OccurrenceIntakeService);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'POST' || !INTAKE_URL.test(request.url)) return done();
    if (!intake.tryAdmit()) {
      // Answered here by the filter itself, not through Fastify's error chain: the cheapest refusal.
      filter.catch(intake.overloaded(), new ExecutionContextHost([request, reply]));
      return;
    }
    reply.raw.once('close', () => intake.release());
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header(CORRELATION_HEADER, request.id);
    done(null, payload);
  });
  refuseDeepBodies(fastify);
  // A strict Content-Security-Policy on every answer (ADR 0022); the OpenAPI UI gets its own.
  const csp = contentSecurityPolicy(env);
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: csp },
    frameguard: { action: 'deny' },
  });
  const docsCsp = serializeCsp(docsContentSecurityPolicy(csp));
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.url.startsWith('/api/docs')) reply.raw.setHeader('content-security-policy', docsCsp);
    done();
  });
  await app.register(cors, {
    origin: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').map((s) => s.trim()) : false,
    credentials: true,
  });
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health/{*path}', method: RequestMethod.ALL },
      { path: 'metrics', method: RequestMethod.GET },
      // Open311 GeoReport v2 and the citizens' status page live outside /api/v1 (issue #8).
      { path: 'open311/{*path}', method: RequestMethod.ALL },
      { path: 'status/{*path}', method: RequestMethod.ALL },
      // NGSI-LD (the Urban Platform) at the paths ETSI GS CIM 009 gives them.
      { path: 'ngsi-ld/{*path}', method: RequestMethod.ALL },
      // Open data (issue 16): the DCAT-AP catalogue and the files, public.
      { path: 'open-data/{*path}', method: RequestMethod.GET },
      // Public alerts in CAP 1.2, the Atom feed and JSON (issue 16), polled by alert hubs.
      { path: 'public/{*path}', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(filter);
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('CGI Porto — Occurrences Integrated Manager API')
    .setDescription('Intake, routing by the CGI governance rules, lifecycle and event log. Errors: see the ApiError shape in docs/api.md.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'api/docs/openapi.json' });
  // The status page's stylesheet (no inline style under the CSP).
  registerStatusPageAssets(fastify);
  // The console (videowall, workstation, department views) at `/` when it has been built.
  await registerConsoleStatic(app, env);
  return app;
}

/** TRUST_PROXY: "true" / "false", a hop count, or addresses and CIDRs separated by commas. */
export function parseTrustProxy(value: string): boolean | number | string[] {
  const v = value.trim();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Nest's own log levels from LOG_LEVEL (Fastify's request logger reads it directly). */
function nestLogLevels(level: Env['LOG_LEVEL']): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo: Record<string, number> = { silent: -1, fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 };
  return order.slice(0, (upTo[level] ?? 3) + 1);
}
