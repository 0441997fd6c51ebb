import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { occurrenceToAlert, toNormalized, type CgiAlertKeyValues, type PublishableOccurrence } from '@cgi/domain';
import type { PlatformAlertRule } from '@cgi/shared';
import type { OccurrenceRow } from '../occurrences/occurrence.repository';
import { RuleSetService } from '../rules/rule-set.service';
import { ALERT_CONTEXT_URL, CORE_CONTEXT_URL } from './json-ld-contexts';

/** The @context of the Alerts the CGI emits (its bodies in application/ld+json). */
export const EMITTED_ALERT_CONTEXT = [ALERT_CONTEXT_URL, CORE_CONTEXT_URL];

/** Only what ADR 0027 lets out of the occurrences table: no description, address, notes or reporter. */
export const PUBLISHABLE_COLUMNS = `o.id, o.reference, o.category, o.priority, o.status, o.source, o.lead_department,
  ST_Y(o.location::geometry) AS lat, ST_X(o.location::geometry) AS lon,
  (o.description_public_at IS NOT NULL) AS made_public, o.created_at, o.updated_at`;

export interface PublishableRow extends Pick<OccurrenceRow, 'id' | 'reference' | 'category' | 'priority' | 'status' | 'source' | 'lead_department' | 'lat' | 'lon'> {
  made_public: boolean;
  created_at: Date;
  updated_at: Date;
}

export const toPublishable = (r: PublishableRow): PublishableOccurrence => ({
  id: r.id, reference: r.reference, category: r.category, priority: r.priority, status: r.status, source: r.source,
  lead: r.lead_department, lat: Number(r.lat), lon: Number(r.lon), madePublic: r.made_public, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Occurrences as FIWARE Alert entities, for the publisher and the NGSI-LD queries alike. */
@Injectable()
export class AlertEntitiesRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly rules: RuleSetService,
  ) {}

  /** The rule set's Alert table (the way back of the mapping in gives the published category). */
  async platformAlerts(): Promise<readonly PlatformAlertRule[]> {
    return (await this.rules.active()).document.assets.platformAlerts;
  }

  /** The Alerts of these occurrences (keyValues), in no particular order; unknown ids are skipped. */
  async byIds(ids: readonly string[]): Promise<CgiAlertKeyValues[]> {
    if (ids.length === 0) return [];
    const rows: PublishableRow[] = await this.ds.query(`SELECT ${PUBLISHABLE_COLUMNS} FROM occurrences o WHERE o.id = ANY($1::uuid[])`, [ids]);
    const rules = await this.platformAlerts();
    return rows.map((r) => occurrenceToAlert(toPublishable(r), rules));
  }

  /** Rows of a query the caller built (WHERE and ORDER BY over `o`), as Alerts. */
  async select(where: string, params: unknown[], tail: string): Promise<CgiAlertKeyValues[]> {
    const rows: PublishableRow[] = await this.ds.query(`SELECT ${PUBLISHABLE_COLUMNS} FROM occurrences o WHERE ${where} ${tail}`, params);
    const rules = await this.platformAlerts();
    return rows.map((r) => occurrenceToAlert(toPublishable(r), rules));
  }
}

/** An Alert in the normalized form, with the @context when the body is application/ld+json. */
export function normalizedWithContext(kv: CgiAlertKeyValues): Record<string, unknown> {
  return { ...toNormalized(kv), '@context': EMITTED_ALERT_CONTEXT };
}
