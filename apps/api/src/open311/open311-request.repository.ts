import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { coarseCoordinate, open311Status, streetOf } from '@cgi/domain';
import type { OccurrenceStatus } from '@cgi/shared';
import { w3Date } from './open311-format';

/** A service request as GeoReport v2 shows it (schema request.json). */
export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string | null;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string | null;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number;
  long: number;
  media_url: string | null;
}

interface RequestRow {
  id: string;
  reference: string;
  category: string;
  description: string;
  address: string | null;
  created_at: Date;
  lat: number;
  lon: number;
  media_url: string | null;
  address_id: string | null;
  service_notice: string | null;
  api_key_id: string | null;
  description_public_at: Date | null;
  effective_status: OccurrenceStatus;
  agency: string | null;
  updated_at: Date;
  resolve_due_at: Date | null;
  status_notes: string | null;
}

export interface RequestFilter {
  references?: string[];
  serviceCodes?: string[];
  statuses?: Array<'open' | 'closed'>;
  from?: Date;
  to?: Date;
  limit: number;
}

const CLOSED_SQL = `('RESOLVED','CLOSED','CANCELLED')`;

/**
 * Reads citizen reports as Open311 requests. A linked duplicate (MERGED, parent_id set) shows
 * its parent's status, notes for citizens, lead department and resolve deadline: the citizen
 * follows the occurrence that is being worked on.
 *
 * What the citizen wrote is theirs (ADR 0020): the description, the photo, the address id and
 * the house-level location go only to the API key that sent the report, or to everyone once the
 * CGI has marked the report public. Everyone else gets the street (`streetOf`) and coordinates
 * rounded to 0.001° (`coarseCoordinate`); the service, status, public notes and dates as they are.
 */
@Injectable()
export class Open311RequestRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async find(filter: RequestFilter, names: Map<string, string>, readerKeyId: string | null, m: EntityManager = this.ds.manager): Promise<Open311Request[]> {
    const where: string[] = [`o.source = 'CITIZEN'`];
    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    if (filter.references) {
      where.push(`o.reference = ANY(${p(filter.references)}::text[])`);
    } else {
      if (filter.serviceCodes) where.push(`o.category = ANY(${p(filter.serviceCodes)}::text[])`);
      if (filter.statuses && filter.statuses.length === 1) {
        where.push(`e.status ${filter.statuses[0] === 'closed' ? '' : 'NOT '}IN ${CLOSED_SQL}`);
      }
      if (filter.from) where.push(`o.created_at >= ${p(filter.from)}`);
      if (filter.to) where.push(`o.created_at <= ${p(filter.to)}`);
    }
    const rows: RequestRow[] = await m.query(
      `SELECT o.id, o.reference, o.category, o.description, o.address, o.created_at,
              ST_Y(o.location::geometry) AS lat, ST_X(o.location::geometry) AS lon,
              r.media_url, r.address_id, r.service_notice, r.api_key_id, o.description_public_at,
              e.status AS effective_status, d.name AS agency,
              greatest(o.updated_at, e.updated_at) AS updated_at,
              a.resolve_due_at, n.note AS status_notes
         FROM occurrences o
         JOIN occurrences e ON e.id = coalesce(o.parent_id, o.id)
         LEFT JOIN open311_requests r ON r.occurrence_id = o.id
         LEFT JOIN departments d ON d.code = e.lead_department
         LEFT JOIN occurrence_assignments a
           ON a.occurrence_id = e.id AND a.department = e.lead_department AND a.state <> 'RELEASED'
         LEFT JOIN LATERAL (
           SELECT CASE WHEN ev.type = 'RESOLVED' THEN ev.payload->>'publicNote' ELSE ev.payload->>'text' END AS note
             FROM occurrence_events ev
            WHERE ev.occurrence_id = e.id
              AND ((ev.type = 'NOTE_ADDED' AND ev.payload->>'visibility' = 'PUBLIC')
                OR (ev.type = 'RESOLVED' AND ev.payload->>'publicNote' IS NOT NULL))
            ORDER BY ev.seq DESC LIMIT 1
         ) n ON true
        WHERE ${where.join(' AND ')}
        ORDER BY o.created_at DESC, o.id DESC
        LIMIT ${p(filter.limit)}`,
      params,
    );
    return rows.map((r) => {
      const whole = r.description_public_at !== null || (readerKeyId !== null && r.api_key_id === readerKeyId);
      return {
        service_request_id: r.reference,
        status: open311Status(r.effective_status),
        status_notes: r.status_notes,
        service_name: names.get(r.category) ?? null,
        service_code: r.category,
        description: whole ? r.description : null,
        agency_responsible: r.agency,
        service_notice: r.service_notice,
        requested_datetime: w3Date(r.created_at)!,
        updated_datetime: w3Date(r.updated_at),
        expected_datetime: w3Date(r.resolve_due_at),
        address: whole ? r.address : streetOf(r.address),
        address_id: whole ? r.address_id : null,
        zipcode: null,
        lat: whole ? Number(r.lat) : coarseCoordinate(Number(r.lat)),
        long: whole ? Number(r.lon) : coarseCoordinate(Number(r.lon)),
        media_url: whole ? r.media_url : null,
      };
    });
  }
}
