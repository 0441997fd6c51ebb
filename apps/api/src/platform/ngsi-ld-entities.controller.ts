import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { toNormalized, type CgiAlertKeyValues } from '@cgi/domain';
import { IntegrationScope, Roles } from '../auth/auth.decorators';
import { EMITTED_ALERT_CONTEXT } from './alert-entities.repository';
import { ALERT_CONTEXT_URL } from './json-ld-contexts';
import { NgsiLdException } from './ngsi-ld-exception.filter';
import { NgsiLdQueriesService, type EntitiesQuery } from './ngsi-ld-queries.service';

const PARAMS = new Set(['type', 'id', 'q', 'georel', 'geometry', 'coordinates', 'geoproperty', 'limit', 'offset', 'options', 'format']);

/**
 * The CGI as an NGSI-LD context source (ETSI GS CIM 009 §6.4, §6.5): its occurrences as FIWARE
 * Alert entities — the ones the publisher sends the broker — for the Urban Platform (API keys with
 * platform:read) and the CGI's own roles. Normalized by default, keyValues with
 * `options=keyValues`; application/json with the context in a Link header, or application/ld+json
 * with the @context in each entity when the Accept header asks for it.
 */
@ApiTags('NGSI-LD (Urban Platform)')
@Controller('ngsi-ld/v1/entities')
@Roles('CGI_OPERATOR', 'CGI_SUPERVISOR', 'ADMIN')
@IntegrationScope('platform:read')
export class NgsiLdEntitiesController {
  constructor(private readonly queries: NgsiLdQueriesService) {}

  @Get()
  @ApiOperation({ summary: 'Query Alert entities: type, id, q, georel=near;maxDistance==…, geometry, coordinates, limit, offset, options=keyValues' })
  async list(
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown[]> {
    const params = singleParams(query);
    const form = formOf(params);
    const found = await this.queries.entities(params as EntitiesQuery);
    return found.map((e) => render(e, form, accept, reply));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One Alert entity by id (urn:ngsi-ld:Alert:CGI-Porto:<reference>)' })
  async one(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const params = singleParams(query);
    for (const k of Object.keys(params)) if (k !== 'options' && k !== 'format') throw bad(k, 'is not a parameter of GET /entities/{id} the CGI takes');
    return render(await this.queries.entity(id), formOf(params), accept, reply);
  }
}

const bad = (field: string, message: string): NgsiLdException => new NgsiLdException('BadRequestData', 400, `${field}: ${message}`, [{ field, message }]);

function singleParams(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (!PARAMS.has(k)) throw bad(k, 'is not a query parameter the CGI takes');
    if (typeof v !== 'string') throw bad(k, 'must be given once');
    out[k] = v;
  }
  return out;
}

function formOf(params: Record<string, string>): 'keyValues' | 'normalized' {
  const options = (params.options ?? '').split(',').filter(Boolean);
  for (const o of options) if (!['keyValues', 'normalized', 'sysAttrs'].includes(o)) throw bad('options', `${o.slice(0, 30)} is not keyValues, normalized or sysAttrs`);
  if (params.format !== undefined && !['keyValues', 'simplified', 'normalized'].includes(params.format)) throw bad('format', 'must be normalized, keyValues or simplified');
  return options.includes('keyValues') || params.format === 'keyValues' || params.format === 'simplified' ? 'keyValues' : 'normalized';
}

/** The entity in the asked form; the context as @context (application/ld+json) or in a Link header. */
function render(e: CgiAlertKeyValues, form: 'keyValues' | 'normalized', accept: string | undefined, reply: FastifyReply): unknown {
  const body: Record<string, unknown> = form === 'keyValues' ? { ...e } : toNormalized(e);
  if ((accept ?? '').includes('application/ld+json')) {
    void reply.header('content-type', 'application/ld+json');
    return { ...body, '@context': EMITTED_ALERT_CONTEXT };
  }
  void reply.header('link', `<${ALERT_CONTEXT_URL}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`);
  return body;
}
