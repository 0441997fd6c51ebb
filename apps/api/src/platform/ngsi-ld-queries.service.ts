import { Injectable } from '@nestjs/common';
import {
  ALERT_CATEGORIES,
  CGI_ALERT_SOURCE,
  parseGeo,
  parsePaging,
  parseQ,
  QueryParamError,
  referenceOfAlertId,
  type CgiAlertKeyValues,
  type QTerm,
} from '@cgi/domain';
import { OPEN_STATUSES, type Department, type PlatformAlertRule, type Priority } from '@cgi/shared';
import { RuleSetService } from '../rules/rule-set.service';
import { AlertEntitiesRepository } from './alert-entities.repository';
import { NgsiLdException } from './ngsi-ld-exception.filter';

export interface EntitiesQuery {
  type?: string;
  id?: string;
  q?: string;
  georel?: string;
  geometry?: string;
  coordinates?: string;
  geoproperty?: string;
  limit?: string;
  offset?: string;
}

const ALERT_TYPES = new Set(['Alert', 'https://smartdatamodels.org/dataModel.Alert/Alert']);
const SEVERITY_PRIORITY: Record<string, Priority | null> = { critical: 'P1', high: 'P2', medium: 'P3', low: 'P4', informational: null };
const LEAD_CATEGORY: Record<Department, string> = {
  POLICE: 'security', FIRE: 'security', CIVIL_PROTECTION: 'naturalDisaster', MOBILITY: 'traffic', ENVIRONMENT: 'environment', CGI: 'security',
};
const PRIORITIES_OF_SEVERITY = (v: unknown): Priority[] => {
  const p = typeof v === 'string' ? SEVERITY_PRIORITY[v] : undefined;
  return p ? [p] : [];
};

/** The point an Alert is published at (ADR 0020 rounding for a citizen's report not made public), so a geo-query reveals no more than the entity. */
const PUBLISHED_POINT = `CASE WHEN o.source = 'CITIZEN' AND o.description_public_at IS NULL
  THEN ST_SetSRID(ST_MakePoint(floor(ST_X(o.location::geometry) * 1000 + 0.5) / 1000, floor(ST_Y(o.location::geometry) * 1000 + 0.5) / 1000), 4326)::geography
  ELSE o.location END`;

/**
 * The NGSI-LD queries the CGI answers as a context source of the Urban Platform: its occurrences
 * as Alert entities (what the publisher sends; ADR 0027), by id, or by type with q, a near
 * geo-query, limit and offset. Errors are NgsiLdExceptions (ETSI ProblemDetails).
 */
@Injectable()
export class NgsiLdQueriesService {
  constructor(
    private readonly alerts: AlertEntitiesRepository,
    private readonly rules: RuleSetService,
  ) {}

  async entity(id: string): Promise<CgiAlertKeyValues> {
    const reference = referenceOfAlertId(id);
    const [found] = reference ? await this.alerts.select('o.reference = $1', [reference], '') : [];
    if (!found) throw new NgsiLdException('ResourceNotFound', 404, `No entity ${id.slice(0, 200)}`);
    return found;
  }

  async entities(query: EntitiesQuery): Promise<CgiAlertKeyValues[]> {
    try {
      return await this.run(query);
    } catch (err) {
      if (err instanceof QueryParamError) {
        throw new NgsiLdException('BadRequestData', 400, `${err.param}: ${err.message}`, [
          { field: err.param, message: err.message },
        ]);
      }
      throw err;
    }
  }

  private async run(query: EntitiesQuery): Promise<CgiAlertKeyValues[]> {
    const { limit, offset } = parsePaging(query.limit, query.offset);
    const terms = query.q === undefined ? [] : parseQ(query.q);
    const geo = parseGeo(query.georel, query.geometry, query.coordinates);
    if (query.geoproperty !== undefined && query.geoproperty !== 'location') throw new QueryParamError('geoproperty', 'must be location (the only GeoProperty of the CGI\'s Alerts)');
    if (query.type === undefined && query.id === undefined && terms.length === 0 && !geo) {
      throw new QueryParamError('type', 'is required (or id, q or a geo-query): type=Alert');
    }
    if (query.type !== undefined && !query.type.split(',').some((t) => ALERT_TYPES.has(t))) return [];
    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (query.id !== undefined) {
      const refs = query.id.split(',').map(referenceOfAlertId).filter((r): r is string => r !== null);
      where.push(`o.reference = ANY(${p(refs)}::text[])`);
    }
    const rules = (await this.rules.active()).document.assets.platformAlerts;
    for (const t of terms) where.push(this.condition(t, rules, p));
    let order = 'ORDER BY o.created_at DESC, o.reference DESC';
    if (geo) {
      const point = `ST_SetSRID(ST_MakePoint(${p(geo.lon)}, ${p(geo.lat)}), 4326)::geography`;
      if (geo.maxDistance !== undefined) where.push(`ST_DWithin(${PUBLISHED_POINT}, ${point}, ${p(geo.maxDistance)})`);
      if (geo.minDistance !== undefined) where.push(`NOT ST_DWithin(${PUBLISHED_POINT}, ${point}, ${p(geo.minDistance)})`);
      order = `ORDER BY ST_Distance(${PUBLISHED_POINT}, ${point}), o.reference`;
    }
    return this.alerts.select(where.length ? where.join(' AND ') : 'true', params, `${order} LIMIT ${p(limit)} OFFSET ${p(offset)}`);
  }

  /** One q term as SQL over `o`, in the terms of the published Alert (the mapping of occurrenceToAlert). */
  private condition(t: QTerm, rules: readonly PlatformAlertRule[], p: (v: unknown) => string): string {
    const firstRow = new Map<string, PlatformAlertRule>();
    for (const r of rules) if (!firstRow.has(r.category)) firstRow.set(r.category, r);
    const mapped = [...firstRow.keys()];
    const categoriesWhere = (pred: (r: PlatformAlertRule) => boolean): string[] => [...firstRow.entries()].filter(([, r]) => pred(r)).map(([c]) => c);
    const anyOf = (values: Array<string | number | boolean>, one: (v: string | number | boolean) => string): string =>
      values.length === 0 ? 'false' : `(${values.map(one).join(' OR ')})`;
    const positive = (): string => {
      const v = t.values;
      switch (t.attribute) {
        case 'category':
          return anyOf(v, (x) => {
            if (!(ALERT_CATEGORIES as readonly unknown[]).includes(x)) return 'false';
            const leads = (Object.keys(LEAD_CATEGORY) as Department[]).filter((d) => LEAD_CATEGORY[d] === x);
            return `(o.category = ANY(${p(categoriesWhere((r) => r.alertCategory === x))}::text[]) OR (o.category <> ALL(${p(mapped)}::text[]) AND o.lead_department = ANY(${p(leads)}::text[])))`;
          });
        case 'subCategory':
          return anyOf(v, (x) => `o.category = ANY(${p(categoriesWhere((r) => r.alertSubCategory === x))}::text[])`);
        case 'severity':
          return `o.priority = ANY(${p(v.flatMap(PRIORITIES_OF_SEVERITY))}::text[])`;
        case 'name':
        case 'data.reference':
          return `o.reference = ANY(${p(v.map(String))}::text[])`;
        case 'data.category':
          return `o.category = ANY(${p(v.map(String))}::text[])`;
        case 'data.status':
          return `o.status = ANY(${p(v.map(String))}::text[])`;
        case 'data.priority':
          return `o.priority = ANY(${p(v.map(String))}::text[])`;
        case 'data.open':
          return anyOf(v, (x) => (x === true ? `o.status = ANY(${p([...OPEN_STATUSES])}::text[])` : x === false ? `o.status <> ALL(${p([...OPEN_STATUSES])}::text[])` : 'false'));
        case 'alertSource':
          return v.includes(CGI_ALERT_SOURCE) ? 'true' : 'false';
        default:
          throw new QueryParamError('q', `${t.attribute} compares with ==, !=, <, <=, >, >=`);
      }
    };
    const DATE_COLUMN: Record<string, string> = { dateIssued: 'o.created_at', validFrom: 'o.created_at', dateModified: 'o.updated_at' };
    const column = DATE_COLUMN[t.attribute];
    if (column) {
      const date = (x: unknown): string => {
        if (typeof x !== 'string') throw new QueryParamError('q', `${t.attribute} compares with a date-time`);
        return `${p(x)}::timestamptz`;
      };
      if (t.range) return `${column} BETWEEN ${date(t.range[0])} AND ${date(t.range[1])}`;
      if (t.op === '==' || t.op === '!=') {
        const any = `${column} = ANY(ARRAY[${t.values.map(date).join(', ')}])`;
        return t.op === '==' ? any : `NOT ${any}`;
      }
      return `${column} ${t.op} ${date(t.values[0])}`;
    }
    if (t.range || (t.op !== '==' && t.op !== '!=')) throw new QueryParamError('q', `${t.attribute} compares with == or != only`);
    return t.op === '==' ? positive() : `NOT ${positive()}`;
  }
}
