import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { Env } from '../config/env';
import { CallbackWebhookService } from './callbacks/callback-webhook.service';
import { FORM_ONLY, IDEMPOTENCY_KEY, JURISDICTION_ID } from './open311.constants';
import { Open311Exception } from './open311.exception';
import { parseFormat, send, type XmlNode } from './open311-format';
import type { Open311Request } from './open311-request.repository';
import { Open311RequestsService, type Params } from './open311-requests.service';
import { Open311ServicesService } from './open311-services.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const requestsXml = (requests: Array<Record<string, unknown>>): XmlNode => ({
  service_requests: { request: requests as XmlNode[] },
});

/**
 * Open311 GeoReport v2 for the Gabinete do Munícipe, at /open311/v2 (outside /api/v1): the
 * specification's resources, parameters, field names, formats (.xml and .json) and errors.
 * Authentication is the specification's `api_key` parameter (integration clients' API keys),
 * so the routes are public to the global guard, which rate-limits them per IP.
 */
@ApiExcludeController()
@Public()
@Controller('open311/v2')
export class Open311Controller {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly env: Env,
    private readonly services: Open311ServicesService,
    private readonly requests: Open311RequestsService,
    private readonly webhooks: CallbackWebhookService,
  ) {}

  @Get('discovery.:format')
  discovery(@Param('format') raw: string, @Res() reply: FastifyReply): void {
    const format = parseFormat(raw);
    const base = this.env.PUBLIC_BASE_URL.replace(/\/$/, '');
    const endpoint = {
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: `${base}/open311/v2`,
      changeset: '2025-11-28T00:00:00Z',
      type: 'production',
      formats: ['text/xml', 'application/json'],
    };
    const doc = { changeset: endpoint.changeset, contact: 'Centro de Gestão Integrada do Porto — cgi@cm-porto.pt', key_service: `${base}/api/docs`, endpoints: [endpoint] };
    send(reply, 200, format, doc, {
      discovery: { ...doc, endpoints: { endpoint: [{ ...endpoint, formats: { format: endpoint.formats } }] } },
    });
  }

  @Get('services.:format')
  async services_(@Param('format') raw: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const format = parseFormat(raw);
    this.jurisdiction(req.query as Params);
    const list = await this.services.list();
    send(reply, 200, format, list, { services: { service: list as unknown as XmlNode[] } });
  }

  @Get('services/:code.:format')
  async definition(@Param('code') code: string, @Param('format') raw: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const format = parseFormat(raw);
    this.jurisdiction(req.query as Params);
    const { json, xml } = await this.services.definition(code);
    send(reply, 200, format, json, xml);
  }

  /**
   * Extension: an `Idempotency-Key` header (as on the REST intake, ADR 0014, scoped by the API
   * key) makes a retry after a lost answer safe: the request is stored once and the retry gets
   * its service_request_id, with `Idempotent-Replayed: true`.
   */
  @Post('requests.:format')
  async create(@Param('format') raw: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const format = parseFormat(raw);
    const params = this.params(req);
    this.jurisdiction(params);
    const idempotencyKey = req.headers['idempotency-key'];
    if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey))) {
      throw Open311Exception.badRequest('Idempotency-Key: must be 1 to 255 visible ASCII characters');
    }
    const { created, replayed } = await this.requests.create(params, idempotencyKey);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    send(reply, 201, format, [created], requestsXml([created as unknown as Record<string, unknown>]));
  }

  /**
   * Anyone may read requests; a report's description, photo and house-level location only go to
   * the API key that sent it, or to everyone once the CGI has made it public (ADR 0020).
   */
  @Get('requests.:format')
  async search(@Param('format') raw: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const format = parseFormat(raw);
    const params = req.query as Params;
    this.jurisdiction(params);
    const found = await this.requests.search(params, await this.requests.reader(params));
    send(reply, 200, format, found, requestsXml(found as unknown as Array<Record<string, unknown>>));
  }

  @Get('requests/:id.:format')
  async one(@Param('id') id: string, @Param('format') raw: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const format = parseFormat(raw);
    const params = req.query as Params;
    this.jurisdiction(params);
    const found: Open311Request = await this.requests.one(id, await this.requests.reader(params));
    send(reply, 200, format, [found], requestsXml([found as unknown as Record<string, unknown>]));
  }

  /**
   * Requests are created in real time (services are `realtime`), so POST answers a
   * service_request_id; a request's token is its internal id, which status callbacks carry.
   */
  @Get('tokens/:token.:format')
  async token(@Param('token') token: string, @Param('format') raw: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const format = parseFormat(raw);
    this.jurisdiction(req.query as Params);
    const rows: Array<{ reference: string }> = UUID.test(token)
      ? await this.ds.query(`SELECT reference FROM occurrences WHERE id = $1 AND source = 'CITIZEN'`, [token])
      : [];
    if (rows.length === 0) throw Open311Exception.notFound(`token: ${token} not found`);
    const body = { service_request_id: rows[0].reference, token };
    send(reply, 200, format, [body], requestsXml([body]));
  }

  /** Extension: an integration client registers (or replaces) its status-callback webhook. */
  @Post('callbacks.:format')
  async register(@Param('format') raw: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const format = parseFormat(raw);
    const params = this.params(req);
    const client = await this.requests.client(params);
    const registered = await this.webhooks.register(client, params.callback_url);
    send(reply, 201, format, [registered], { callbacks: { callback: [registered] } });
  }

  @Get('callbacks.:format')
  async registered(@Param('format') raw: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const format = parseFormat(raw);
    const client = await this.requests.client(req.query as Params);
    const found = await this.webhooks.get(client);
    send(reply, 200, format, found ? [found] : [], { callbacks: { callback: found ? [found] : [] } });
  }

  /**
   * POST parameters: the form-encoded body, and the query string (clients put api_key in either).
   * Any other body (JSON, text) is refused with 415 rather than read as something it is not.
   */
  private params(req: FastifyRequest): Params {
    if (req.body !== undefined && req.body !== null) {
      const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded' || typeof req.body !== 'object') {
        throw new Open311Exception(415, [{ code: 415, description: `content-type: ${FORM_ONLY}` }]);
      }
    }
    const body = (req.body ?? {}) as Params;
    return { ...(req.query as Params), ...body };
  }

  private jurisdiction(params: Params): void {
    const j = params.jurisdiction_id;
    if (j === undefined || j === '') return;
    if (j !== JURISDICTION_ID) throw Open311Exception.notFound(`jurisdiction_id: ${String(j)} not found; this endpoint serves ${JURISDICTION_ID}`);
  }
}
