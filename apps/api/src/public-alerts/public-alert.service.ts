import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  AlertClosedError,
  alertState,
  capDateTime,
  capIdentifier,
  capXml,
  identifierPrefix,
  nextMessage,
  validateAlertDraft,
  type AlertAction,
  type SentMessageRef,
  type ValidAlertDraft,
} from '@cgi/domain';
import { DEPARTMENTS, type AlertDraftInput, type Department, type CapArea, type CapMsgType, type EventType, type FieldError, type PublicAlertEventPayload, type PublicAlertView } from '@cgi/shared';
import { SecurityAuditService } from '../audit/security-audit.service';
import { actorLabel, type Actor } from '../auth/actor';
import { DomainException, notFound } from '../common/domain.exception';
import { Env } from '../config/env';
import { EventLogService } from '../events/event-log.service';
import type { NewEvent } from '../events/event-log.sql';
import { AlertAreaResolver } from './alert-area.resolver';
import { AlertWebhooksService } from './alert-webhooks.service';

export const SENDER_NAME = { pt: 'Centro de Gestão Integrada do Porto', en: 'Porto Integrated Management Centre' };

interface MessageRow {
  seq: string;
  alert_id: string;
  identifier: string;
  sender: string;
  sent: Date;
  sent_cap: string;
  msg_type: CapMsgType;
  references: string | null;
  note: string | null;
  draft: AlertDraftInput;
  areas: CapArea[];
  effective: Date;
  expires: Date;
  parishes: string[];
  xml: string;
  issued_by: string;
}

const EVENT_OF: Record<AlertAction, EventType> = { issue: 'PUBLIC_ALERT_ISSUED', update: 'PUBLIC_ALERT_UPDATED', cancel: 'PUBLIC_ALERT_CANCELLED' };
const AUDIT_OF = { issue: 'PUBLIC_ALERT_ISSUED', update: 'PUBLIC_ALERT_UPDATED', cancel: 'PUBLIC_ALERT_CANCELLED' } as const;

/**
 * Public alerts in CAP 1.2 (issue 16, ADR 0028): issue, update and cancel, each one CAP message
 * stored as sent (append-only), with its event on the live feed (city-wide and on each occurrence
 * it concerns), its audit entry and one webhook delivery per subscriber, all in one transaction.
 */
@Injectable()
export class PublicAlertService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly env: Env,
    private readonly areas: AlertAreaResolver,
    private readonly events: EventLogService,
    private readonly audit: SecurityAuditService,
    private readonly webhooks: AlertWebhooksService,
  ) {}

  issue(body: unknown, by: Actor): Promise<PublicAlertView> {
    return this.send('issue', null, body, by);
  }

  update(id: string, body: unknown, by: Actor): Promise<PublicAlertView> {
    return this.send('update', id, body, by);
  }

  cancel(id: string, body: unknown, by: Actor): Promise<PublicAlertView> {
    return this.send('cancel', id, body, by);
  }

  private async send(action: AlertAction, id: string | null, body: unknown, by: Actor): Promise<PublicAlertView> {
    if (by.role !== 'CGI_SUPERVISOR' && by.role !== 'ADMIN') throw new DomainException('FORBIDDEN', `Role ${by.role} may not issue public alerts`);
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const raw = (body ?? {}) as Record<string, unknown>;
    const note = raw.note;
    if (note !== undefined && (typeof note !== 'string' || note.length > 500)) throw invalid([{ field: 'note', message: 'a text of at most 500 characters' }]);
    if (action === 'cancel' && (typeof note !== 'string' || note.trim() === '')) throw invalid([{ field: 'note', message: 'required: why the alert is cancelled' }]);
    let draft: ValidAlertDraft | null = null;
    if (action !== 'cancel') {
      const { draft: d, errors } = validateAlertDraft(action === 'update' ? raw.draft : raw, now);
      if (!d) throw invalid(action === 'update' ? errors.map((e) => ({ ...e, field: `draft.${e.field}` })) : errors);
      draft = d;
    }
    const actor = actorLabel(by);
    const result = await this.ds.transaction(async (m) => {
      let alertId = id;
      let earlier: MessageRow[] = [];
      if (alertId) {
        if (!/^[0-9a-f-]{36}$/i.test(alertId)) throw notFound(`Public alert ${alertId}`);
        const found: unknown[] = await m.query(`SELECT 1 FROM public_alerts WHERE id = $1 FOR UPDATE`, [alertId]);
        if (found.length === 0) throw notFound(`Public alert ${alertId}`);
        earlier = await this.messagesOf(m, alertId);
      }
      const last = earlier[earlier.length - 1];
      let next: { msgType: CapMsgType; references: string | null };
      try {
        next = nextMessage(action, earlier.map(toRef), last?.msg_type === 'Cancel');
      } catch (err) {
        if (err instanceof AlertClosedError) throw new DomainException('CONFLICT', err.message);
        throw err;
      }
      const content = draft ?? (last.draft as ValidAlertDraft);
      let areas: CapArea[] = last?.areas ?? [];
      let parishes: string[] = last?.parishes ?? [];
      const incidents: string[] = [];
      if (draft) {
        const errors: FieldError[] = [];
        const prefix = action === 'update' ? 'draft.' : '';
        const resolved = await this.areas.resolve(m, draft, errors);
        const occ = await this.occurrences(m, draft.occurrenceIds ?? [], errors);
        if (errors.length > 0) throw invalid(errors.map((e) => ({ ...e, field: `${prefix}${e.field}` })));
        areas = resolved.areas;
        parishes = resolved.parishes;
        incidents.push(...occ.map((o) => o.reference));
      } else {
        incidents.push(...(await this.occurrences(m, content.occurrenceIds ?? [], [])).map((o) => o.reference));
      }
      if (!alertId) {
        const [row]: Array<{ id: string }> = await m.query(`INSERT INTO public_alerts (created_by) VALUES ($1) RETURNING id`, [actor]);
        alertId = row.id;
      }
      const [{ serial }]: Array<{ serial: string }> = await m.query(`SELECT nextval('public_alert_identifier_seq')::text AS serial`);
      const identifier = capIdentifier(identifierPrefix(this.env.CAP_SENDER), now, BigInt(serial));
      const xml = capXml({
        identifier,
        sender: this.env.CAP_SENDER,
        sent: now,
        status: this.env.CAP_STATUS,
        msgType: next.msgType,
        references: next.references,
        ...(typeof note === 'string' && note.trim() ? { note: note.trim() } : {}),
        draft: content,
        areas,
        senderName: SENDER_NAME,
        incidents,
      });
      const [{ seq }]: Array<{ seq: string }> = await m.query(
        `INSERT INTO public_alert_messages (alert_id, identifier, sender, sent, sent_cap, msg_type, "references", note, draft, areas, effective, expires, parishes, xml, issued_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING seq::text AS seq`,
        [alertId, identifier, this.env.CAP_SENDER, now, capDateTime(now), next.msgType, next.references, typeof note === 'string' ? note.trim() || null : null,
          JSON.stringify(content), JSON.stringify(areas), content.effective, content.expires, parishes, xml, actor],
      );
      const subscribers: Array<{ subscriber_id: string }> = await m.query(
        `INSERT INTO public_alert_deliveries (message_seq, subscriber_id) SELECT $1, id FROM public_alert_subscribers WHERE active RETURNING subscriber_id`,
        [seq],
      );
      const payload: PublicAlertEventPayload = {
        alertId,
        identifier,
        msgType: next.msgType,
        severity: content.severity,
        urgency: content.urgency,
        headline: { pt: content.texts.pt.headline, ...(content.texts.en ? { en: content.texts.en.headline } : {}) },
        parishes,
        expires: content.expires,
      };
      const occurrences = await this.occurrences(m, content.occurrenceIds ?? [], []);
      const events: NewEvent[] = [
        { occurrenceId: null, type: EVENT_OF[action], actor, departments: [...DEPARTMENTS], payload: { ...payload } },
        ...occurrences.map((o) => ({ occurrenceId: o.id, type: EVENT_OF[action], actor, departments: o.departments, payload: { ...payload } })),
      ];
      await this.events.append(m, events);
      await this.audit.record(m, { actor, action: AUDIT_OF[action], target: identifier, details: { alertId, msgType: next.msgType, references: next.references, parishes } });
      return { alertId, seq: Number(seq), subscribers: subscribers.map((s) => s.subscriber_id) };
    });
    await this.webhooks.enqueue(result.seq, result.subscribers);
    return (await this.get(result.alertId))!;
  }

  private async occurrences(m: EntityManager, ids: string[], errors: FieldError[]): Promise<Array<{ id: string; reference: string; departments: Department[] }>> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: string; reference: string; departments: Department[] }> = await m.query(
      `SELECT o.id, o.reference, ARRAY(SELECT a.department FROM occurrence_assignments a WHERE a.occurrence_id = o.id ORDER BY a.department) AS departments
         FROM occurrences o WHERE o.id = ANY($1::uuid[])`,
      [ids],
    );
    const found = new Set(rows.map((r) => r.id));
    ids.forEach((id, i) => {
      if (!found.has(id)) errors.push({ field: `occurrenceIds[${i}]`, message: `unknown occurrence ${id}` });
    });
    return rows;
  }

  private messagesOf(m: EntityManager | DataSource, alertId: string): Promise<MessageRow[]> {
    return m.query(`SELECT * FROM public_alert_messages WHERE alert_id = $1 ORDER BY seq`, [alertId]);
  }

  async get(id: string): Promise<PublicAlertView | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const rows = await this.messagesOf(this.ds, id);
    return rows.length ? this.view(rows) : null;
  }

  /** Alerts newest first: those in force (default) or all. */
  async list(all: boolean): Promise<PublicAlertView[]> {
    const rows: MessageRow[] = await this.ds.query(
      `WITH latest AS (SELECT DISTINCT ON (alert_id) alert_id, msg_type, expires FROM public_alert_messages ORDER BY alert_id, seq DESC)
       SELECT m.* FROM public_alert_messages m JOIN latest l USING (alert_id)
        WHERE $1 OR (l.msg_type <> 'Cancel' AND l.expires > now())
        ORDER BY m.seq`,
      [all],
    );
    const byAlert = new Map<string, MessageRow[]>();
    for (const r of rows) byAlert.set(r.alert_id, [...(byAlert.get(r.alert_id) ?? []), r]);
    return [...byAlert.values()].map((msgs) => this.view(msgs)).reverse();
  }

  /**
   * The feed's alerts: those in force, and those cancelled in the last 24 hours (their Cancel
   * message, so that hubs polling the feed withdraw them).
   */
  async feedAlerts(): Promise<PublicAlertView[]> {
    const all = await this.list(true);
    const since = Date.now() - 24 * 3600 * 1000;
    return all.filter((a) => a.state === 'IN_FORCE' || (a.state === 'CANCELLED' && a.cancelledAt !== null && Date.parse(a.cancelledAt) >= since));
  }

  /** One message's CAP XML, by its identifier (every message stays served, as sent). */
  async xml(identifier: string): Promise<string | null> {
    const [row]: Array<{ xml: string }> = await this.ds.query(`SELECT xml FROM public_alert_messages WHERE identifier = $1`, [identifier]);
    return row?.xml ?? null;
  }

  xmlUrl(identifier: string): string {
    return `${this.env.PUBLIC_BASE_URL}/public/alerts/${encodeURIComponent(identifier)}.xml`;
  }

  private view(msgs: MessageRow[]): PublicAlertView {
    const last = msgs[msgs.length - 1];
    const cancelled = last.msg_type === 'Cancel';
    return {
      id: last.alert_id,
      state: alertState(cancelled, new Date(last.expires), new Date()),
      identifier: last.identifier,
      msgType: last.msg_type,
      draft: last.draft,
      areas: last.areas,
      effective: new Date(last.effective).toISOString(),
      onset: last.draft.onset ?? null,
      expires: new Date(last.expires).toISOString(),
      cancelledAt: cancelled ? new Date(last.sent).toISOString() : null,
      messages: msgs.map((r) => ({
        identifier: r.identifier,
        sender: r.sender,
        sent: r.sent_cap,
        msgType: r.msg_type,
        references: r.references,
        issuedBy: r.issued_by,
        xmlUrl: this.xmlUrl(r.identifier),
      })),
    };
  }
}

const toRef = (r: MessageRow): SentMessageRef => ({ sender: r.sender, identifier: r.identifier, sent: r.sent_cap });
const invalid = (fields: FieldError[]): DomainException =>
  new DomainException('VALIDATION_FAILED', `Invalid public alert: ${fields.map((f) => f.field).join(', ')}`, fields);
