import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { parseAttributes } from '@cgi/domain';
import type { Actor } from '../auth/actor';
import { ApiKeyService } from '../auth/api-key.service';
import { Env } from '../config/env';
import { ParishLocator } from '../geo/parish-locator.service';
import { OccurrenceIntakeService } from '../occurrences/occurrence-intake.service';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { RuleSetService } from '../rules/rule-set.service';
import { CREATE_SCOPE, MAX_DESCRIPTION, MAX_RANGE_DAYS, MAX_RESULTS } from './open311.constants';
import { Open311Exception } from './open311.exception';
import { Open311RequestRepository, type Open311Request, type RequestFilter } from './open311-request.repository';
import { Open311ServicesService } from './open311-services.service';
import { newStatusToken } from './status-page/status-token';

/** Form-encoded or query parameters, as Fastify parses them (repeated keys become arrays). */
export type Params = Record<string, string | string[] | undefined>;

/** Who reads requests: the integration client of the `api_key` given, or null for the public. */
export type Reader = Actor | null;

export interface CreatedRequest {
  service_request_id: string;
  service_notice: string;
  account_id: string | null;
  /** Extension: the citizen's status page (reference + secret token), for SMS and e-mail links. */
  status_url: string;
}

const DAY_MS = 86_400_000;
const W3_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const REFERENCE = /^OC-\d{4}-\d{6,}$/;
const CODE = /^[A-Z][A-Z0-9_]{1,39}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;
const PHONE = /^\+?[0-9 ]{6,20}$/;

/** A single text parameter; "optional" means empty is the same as absent (GeoReport v2 "Definitions"). NUL characters are refused before, by `nulParameters`. */
function text(params: Params, name: string, errors: string[]): string | undefined {
  const v: unknown = params[name];
  if (Array.isArray(v)) {
    errors.push(`${name}: give one value`);
    return undefined;
  }
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    errors.push(`${name}: must be text`);
    return undefined;
  }
  const t = v.trim();
  return t ? t : undefined;
}

/**
 * Every parameter holding a NUL character (PostgreSQL cannot store it in text), named: refused
 * with 400 before anything is looked up or stored, like the REST intake does.
 */
function nulParameters(params: Params): string[] {
  return Object.entries(params).flatMap(([name, v]) => {
    const values: unknown[] = Array.isArray(v) ? v : [v];
    if (!values.some((x) => typeof x === 'string' && x.includes('\u0000'))) return [];
    return [`${name.includes('\u0000') ? 'body' : name}: must not contain a NUL character`];
  });
}

function maxLength(value: string | undefined, name: string, max: number, errors: string[]): void {
  if (value !== undefined && value.length > max) errors.push(`${name}: at most ${max} characters (got ${value.length})`);
}

/** POST, GET requests and GET requests/{id}: validation in Open311 terms, then the occurrence service. */
@Injectable()
export class Open311RequestsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly env: Env,
    private readonly apiKeys: ApiKeyService,
    private readonly limits: RateLimitService,
    private readonly services: Open311ServicesService,
    private readonly rules: RuleSetService,
    private readonly locator: ParishLocator,
    private readonly intake: OccurrenceIntakeService,
    private readonly requests: Open311RequestRepository,
  ) {}

  /** The integration client of the `api_key` parameter, or 403 (GeoReport v2 "Errors"). */
  async client(params: Params): Promise<Actor> {
    const key = typeof params.api_key === 'string' ? params.api_key.trim() : '';
    if (!key) throw Open311Exception.forbidden('api_key: missing; an integration client\'s API key is required');
    if (key.includes('\u0000')) throw Open311Exception.forbidden('api_key: invalid or revoked');
    const actor = await this.apiKeys.authenticate(key);
    if (!actor) throw Open311Exception.forbidden('api_key: invalid or revoked');
    await this.limits.hit('apiKey', actor.id);
    return actor;
  }

  /**
   * Who reads: GET takes `api_key` optionally (GeoReport v2); with one, it must be valid (403), and
   * that client sees its own reports whole (ADR 0020).
   */
  async reader(params: Params): Promise<Reader> {
    const key = params.api_key;
    if (key === undefined || key === '') return null;
    return this.client(params);
  }

  /**
   * Creates a request; with an Idempotency-Key already used by this API key, stores nothing and
   * answers the request stored then (ADR 0014), with a fresh status link (see `replayed`).
   */
  async create(params: Params, idempotencyKey?: string): Promise<{ created: CreatedRequest; replayed: boolean }> {
    const actor = await this.client(params);
    if (!actor.scopes?.includes(CREATE_SCOPE)) throw Open311Exception.forbidden(`api_key: lacks the scope ${CREATE_SCOPE}`);
    const nul = nulParameters(params);
    if (nul.length > 0) throw Open311Exception.badRequest(...nul);
    const errors: string[] = [];
    const serviceCode = text(params, 'service_code', errors);
    if (!serviceCode) throw Open311Exception.badRequest(errors.find((e) => e.startsWith('service_code:')) ?? 'service_code: is required');
    const category = await this.services.category(serviceCode);

    const lat = this.coordinate(params, 'lat', -90, 90, errors);
    const lon = this.coordinate(params, 'long', -180, 180, errors);
    for (const [name, v] of [['lat', lat], ['long', lon]] as const) {
      if (v === null && !errors.some((e) => e.startsWith(`${name}:`))) {
        errors.push(`${name}: is required; send lat and long (this endpoint does not geocode address_string or address_id)`);
      }
    }
    const description = text(params, 'description', errors);
    maxLength(description, 'description', MAX_DESCRIPTION, errors);
    const address = text(params, 'address_string', errors);
    maxLength(address, 'address_string', 300, errors);
    const mediaUrl = text(params, 'media_url', errors);
    if (mediaUrl !== undefined) {
      let ok = false;
      try {
        ok = new URL(mediaUrl).protocol === 'https:';
      } catch {
        ok = false;
      }
      if (!ok) errors.push('media_url: must be an https:// URL');
      maxLength(mediaUrl, 'media_url', 2048, errors);
    }
    const email = text(params, 'email', errors);
    if (email !== undefined && (!EMAIL.test(email) || email.length > 254)) errors.push('email: must be an e-mail address');
    const phone = text(params, 'phone', errors);
    if (phone !== undefined && !PHONE.test(phone)) errors.push('phone: must be a phone number (digits, spaces, optional +)');
    const firstName = text(params, 'first_name', errors);
    const lastName = text(params, 'last_name', errors);
    maxLength(firstName, 'first_name', 100, errors);
    maxLength(lastName, 'last_name', 100, errors);
    const accountId = text(params, 'account_id', errors);
    const deviceId = text(params, 'device_id', errors);
    const addressId = text(params, 'address_id', errors);
    for (const [name, v] of [['account_id', accountId], ['device_id', deviceId], ['address_id', addressId]] as const) maxLength(v, name, 200, errors);
    const jurisdiction = text(params, 'jurisdiction_id', errors);
    void jurisdiction; // checked by the controller for every method

    const submitted: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(params)) {
      const m = /^attribute\[([^\]]{1,60})\](\[\])?$/.exec(k);
      if (m && v !== undefined) submitted[m[1]] = m[2] ? ([] as string[]).concat(v) : v;
    }
    const attributes = parseAttributes(category, submitted);
    errors.push(...attributes.errors.map((e) => `${e.field}: ${e.message}`));

    if (errors.length === 0 && lat !== null && lon !== null) {
      const place = await this.locator.locate(this.ds.manager, lat, lon);
      if (!place.parishCode) {
        errors.push(`lat: the point (${lat}, ${lon}) is outside the municipality of Porto`, `long: the point (${lat}, ${lon}) is outside the municipality of Porto`);
      }
    }
    if (errors.length > 0) throw Open311Exception.badRequest(...errors);

    const name = [firstName, lastName].filter(Boolean).join(' ') || undefined;
    const status = newStatusToken();
    let notice = '';
    const result = await this.intake.intake(
      {
        category: category.code,
        source: 'CITIZEN',
        location: { lat: lat!, lon: lon!, address },
        flags: attributes.flags,
        description: description ?? category.name,
        reporter: name || phone || email ? { name, phone, email } : undefined,
      },
      actor,
      {
        idempotencyKey,
        within: async (m, created) => {
          notice = created.linkedTo
            ? `Esta situação já é conhecida: a CGI está a tratá-la na ocorrência ${created.linkedTo.reference}. ` +
              `O seu pedido ${created.reference} fica associado e acompanha o estado dessa ocorrência.`
            : `Pedido ${created.reference} registado; a CGI vai analisá-lo e encaminhá-lo para o serviço responsável.`;
          await m.query(
            `INSERT INTO open311_requests (occurrence_id, api_key_id, account_id, device_id, address_id, media_url, attributes, service_notice)
             VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
            [created.id, actor.id, accountId ?? null, deviceId ?? null, addressId ?? null, mediaUrl ?? null, JSON.stringify(attributes.accepted), notice],
          );
          await m.query(`INSERT INTO status_page_tokens (occurrence_id, token_hash) VALUES ($1, $2)`, [created.id, status.hash]);
        },
      },
    );
    if (result.replayed) return { created: await this.replayed(result.occurrence), replayed: true };
    const reference = result.occurrence.reference;
    return {
      created: { service_request_id: reference, service_notice: notice, account_id: accountId ?? null, status_url: this.statusUrl(reference, status.token) },
      replayed: false,
    };
  }

  /**
   * The answer to a retried POST: the request as the first answer gave it. The status page's secret
   * is kept only hashed, so the retry gets a new one and the first link (which the client never
   * received) stops working.
   */
  private async replayed(occurrence: { id: string; reference: string }): Promise<CreatedRequest> {
    const status = newStatusToken();
    const rows: Array<{ service_notice: string | null; account_id: string | null }> = await this.ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO status_page_tokens (occurrence_id, token_hash) VALUES ($1, $2)
         ON CONFLICT (occurrence_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()`,
        [occurrence.id, status.hash],
      );
      return m.query(`SELECT service_notice, account_id FROM open311_requests WHERE occurrence_id = $1`, [occurrence.id]);
    });
    return {
      service_request_id: occurrence.reference,
      service_notice: rows[0]?.service_notice ?? `Pedido ${occurrence.reference} registado; a CGI vai analisá-lo e encaminhá-lo para o serviço responsável.`,
      account_id: rows[0]?.account_id ?? null,
      status_url: this.statusUrl(occurrence.reference, status.token),
    };
  }

  private statusUrl(reference: string, token: string): string {
    return `${this.env.PUBLIC_BASE_URL.replace(/\/$/, '')}/status/${encodeURIComponent(reference)}?token=${token}`;
  }

  async one(reference: string, reader: Reader): Promise<Open311Request> {
    if (!REFERENCE.test(reference)) throw Open311Exception.notFound(`service_request_id: ${reference} not found`);
    const [found] = await this.requests.find({ references: [reference], limit: 1 }, await this.names(), reader?.id ?? null);
    if (!found) throw Open311Exception.notFound(`service_request_id: ${reference} not found`);
    return found;
  }

  async search(params: Params, reader: Reader): Promise<Open311Request[]> {
    const errors: string[] = [];
    const ids = text(params, 'service_request_id', errors);
    const filter: RequestFilter = { limit: MAX_RESULTS };
    if (ids) {
      const refs = ids.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = refs.filter((r) => !REFERENCE.test(r));
      if (bad.length > 0) errors.push(`service_request_id: not a request id: ${bad.join(', ')}`);
      if (refs.length > MAX_RESULTS) errors.push(`service_request_id: at most ${MAX_RESULTS} ids`);
      filter.references = refs;
    } else {
      const codes = text(params, 'service_code', errors);
      if (codes) {
        filter.serviceCodes = codes.split(',').map((s) => s.trim()).filter(Boolean);
        const bad = filter.serviceCodes.filter((c) => !CODE.test(c));
        if (bad.length > 0) errors.push(`service_code: not a service code: ${bad.join(', ')}`);
      }
      const statuses = text(params, 'status', errors);
      if (statuses) {
        const list = statuses.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
        const bad = list.filter((s) => s !== 'open' && s !== 'closed');
        if (bad.length > 0) errors.push(`status: must be open or closed (got ${bad.join(', ')})`);
        filter.statuses = [...new Set(list)] as Array<'open' | 'closed'>;
      }
      const start = this.date(params, 'start_date', errors);
      const end = this.date(params, 'end_date', errors);
      const span = MAX_RANGE_DAYS * DAY_MS;
      const to = end ?? (start ? new Date(start.getTime() + span) : new Date());
      const from = start ?? new Date(to.getTime() - span);
      if (start && end) {
        if (end < start) errors.push('end_date: is before start_date');
        else if (end.getTime() - start.getTime() > span) errors.push(`end_date: the range may not span more than ${MAX_RANGE_DAYS} days`);
      }
      filter.from = from;
      filter.to = to;
    }
    if (errors.length > 0) throw Open311Exception.badRequest(...errors);
    return this.requests.find(filter, await this.names(), reader?.id ?? null);
  }

  /** Service names of the rule set in force (Portuguese), by code. */
  private async names(): Promise<Map<string, string>> {
    const { document } = await this.rules.active();
    return new Map(document.categories.map((c) => [c.code, c.name]));
  }

  private coordinate(params: Params, name: 'lat' | 'long', min: number, max: number, errors: string[]): number | null {
    const raw = text(params, name, errors);
    if (raw === undefined) return null;
    if (!/^-?\d{1,3}(\.\d{1,15})?$/.test(raw)) {
      errors.push(`${name}: must be a decimal number (WGS84)`);
      return null;
    }
    const v = Number(raw);
    if (v < min || v > max) {
      errors.push(`${name}: must be between ${min} and ${max}`);
      return null;
    }
    return v;
  }

  private date(params: Params, name: string, errors: string[]): Date | undefined {
    const raw = text(params, name, errors);
    if (raw === undefined) return undefined;
    const d = new Date(raw);
    if (!W3_DATE.test(raw) || Number.isNaN(d.getTime())) {
      errors.push(`${name}: must be a w3 date-time with a time zone, e.g. 2025-01-01T00:00:00Z`);
      return undefined;
    }
    return d;
  }
}
