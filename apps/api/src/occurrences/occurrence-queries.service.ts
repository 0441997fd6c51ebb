import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { OccurrenceDetail, OccurrenceView, Page } from '@cgi/shared';
import { SecurityAuditService } from '../audit/security-audit.service';
import { actorLabel, CGI_OPERATING_ROLES, isDepartmentRole, type Actor } from '../auth/actor';
import { DomainException } from '../common/domain.exception';
import type { ListOccurrencesQuery } from './dto/list-occurrences.query';
import { assertVisible } from './occurrence-access';
import { OccurrenceRepository } from './occurrence.repository';
import { visibleUnitDepartments } from '../units/unit-access';

interface Cursor {
  c: string;
  i: string;
}

const encodeCursor = (o: OccurrenceView): string => Buffer.from(JSON.stringify({ c: o.createdAt, i: o.id })).toString('base64url');

function decodeCursor(s: string): Cursor {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (typeof v.c === 'string' && !Number.isNaN(Date.parse(v.c)) && /^[0-9a-f-]{36}$/.test(v.i)) return v;
  } catch {
    // fall through
  }
  throw new DomainException('VALIDATION_FAILED', 'Invalid cursor', [{ field: 'cursor', message: 'is not a cursor this API gave' }]);
}

/** Reads of occurrences, scoped by the actor's rights. */
@Injectable()
export class OccurrenceQueriesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: OccurrenceRepository,
    private readonly audit: SecurityAuditService,
  ) {}

  async detail(id: string, actor: Actor): Promise<OccurrenceDetail> {
    const m = this.ds.manager;
    await assertVisible(m, actor, id);
    const detail = await this.repo.detail(m, id, visibleUnitDepartments(actor));
    if (!detail) throw new DomainException('NOT_FOUND', 'Occurrence not found');
    return detail;
  }

  async list(q: ListOccurrencesQuery, actor: Actor): Promise<Page<OccurrenceView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    if (isDepartmentRole(actor)) {
      where.push(`EXISTS (SELECT 1 FROM occurrence_assignments a WHERE a.occurrence_id = o.id AND a.department = ${p(actor.department)} AND a.state <> 'RELEASED')`);
    }
    if (q.status?.length) where.push(`o.status = ANY(${p(q.status)}::text[])`);
    if (q.priority?.length) where.push(`o.priority = ANY(${p(q.priority)}::text[])`);
    if (q.category?.length) where.push(`o.category = ANY(${p(q.category)}::text[])`);
    if (q.department?.length) {
      where.push(`EXISTS (SELECT 1 FROM occurrence_assignments a WHERE a.occurrence_id = o.id AND a.department = ANY(${p(q.department)}::text[]) AND a.state <> 'RELEASED')`);
    }
    if (q.parish) where.push(`o.parish_code = ${p(q.parish)}`);
    if (q.bbox) {
      const [minLon, minLat, maxLon, maxLat] = q.bbox.split(',').map(Number);
      where.push(`ST_Intersects(o.location, ST_MakeEnvelope(${p(minLon)}, ${p(minLat)}, ${p(maxLon)}, ${p(maxLat)}, 4326)::geography)`);
    }
    if (q.near) {
      const [lat, lon] = q.near.split(',').map(Number);
      where.push(`ST_DWithin(o.location, ST_SetSRID(ST_MakePoint(${p(lon)}, ${p(lat)}), 4326)::geography, ${p(q.radius ?? 500)})`);
    } else if (q.radius !== undefined) {
      throw new DomainException('VALIDATION_FAILED', 'radius needs near', [{ field: 'near', message: 'is required with radius' }]);
    }
    if (q.q) where.push(`(o.search @@ plainto_tsquery('simple', ${p(q.q)}) OR o.reference = upper(${p(q.q.trim())}))`);
    if (q.from) where.push(`o.created_at >= ${p(q.from)}`);
    if (q.to) where.push(`o.created_at < ${p(q.to)}`);
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      where.push(`(o.created_at, o.id) < (${p(c.c)}::timestamptz, ${p(c.i)}::uuid)`);
    }
    const limit = q.limit ?? 50;
    const rows = await this.repo.list(this.ds.manager, where, params, limit + 1);
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null };
  }

  /**
   * Reporter contact data (GDPR personal data): CGI operators and supervisors only; to anyone
   * else it does not exist. Every read is audited, in the transaction that reads it.
   */
  async reporter(id: string, actor: Actor): Promise<{ name: string | null; phone: string | null; email: string | null } | null> {
    if (!CGI_OPERATING_ROLES.includes(actor.role)) throw new DomainException('NOT_FOUND', 'Occurrence not found');
    return this.ds.transaction(async (m) => {
      const found: unknown[] = await m.query(`SELECT 1 FROM occurrences WHERE id = $1`, [id]);
      if (found.length === 0) throw new DomainException('NOT_FOUND', 'Occurrence not found');
      const rows: Array<{ name: string | null; phone: string | null; email: string | null; anonymised_at: Date | null }> = await m.query(
        `SELECT name, phone, email, anonymised_at FROM reporter_contacts WHERE occurrence_id = $1`, [id],
      );
      await this.audit.record(m, {
        actor: actorLabel(actor), action: 'PERSONAL_DATA_READ', target: `occurrence:${id}`,
        details: { found: rows.length > 0, anonymised: rows[0]?.anonymised_at != null },
      });
      if (!rows[0]) return null;
      return { name: rows[0].name, phone: rows[0].phone, email: rows[0].email };
    });
  }
}
