import { Injectable, Logger } from '@nestjs/common';
import {
  alertToIntake,
  AttributeError,
  CGI_ALERT_ID_PREFIX,
  CGI_ALERT_SOURCE,
  dateTimeOf,
  deviceToStatus,
  isObject,
  type Json,
  type JsonObject,
} from '@cgi/domain';
import type { FieldError, PlatformAlertRule } from '@cgi/shared';
import type { Actor } from '../auth/actor';
import { DomainException } from '../common/domain.exception';
import { ERROR_STATUS } from '../common/error-status';
import { Env } from '../config/env';
import { isDatabaseUnavailable } from '../database/pg-errors';
import type { CreateOccurrenceDto } from '../occurrences/dto/create-occurrence.dto';
import { OccurrenceIntakeService } from '../occurrences/occurrence-intake.service';
import { RuleSetService } from '../rules/rule-set.service';
import { AssetStatusService } from '../assets/asset-status.service';
import { compactEntities, isShippedContext, type ContextValue } from './json-ld-contexts';
import { NgsiLdException } from './ngsi-ld-exception.filter';
import { PlatformMetrics } from './platform-metrics';

/** An entity of a notification the CGI did not take, and why. */
export interface RejectedEntity {
  index: number;
  id: string | null;
  field: string;
  reason: string;
}

/** The answer to a notification (200): what was taken, what was refused. */
export interface NotifyOutcome {
  subscriptionId: string;
  /** New occurrences opened, and asset statuses reported. */
  accepted: number;
  /** Entities seen before (same id and dateIssued/observedAt): nothing stored again. */
  replayed: number;
  /** The CGI's own Alerts coming back from the broker: not taken in again. */
  own: number;
  /** Entities of other types than Alert and Device. */
  ignored: number;
  rejected: RejectedEntity[];
  /** The occurrences the Alerts opened (or had opened), in the notification's order. */
  occurrences: Array<{ index: number; id: string; reference: string }>;
}

const LINK_CONTEXT = /<([^>]+)>\s*;(?=[^,]*rel="?http:\/\/www\.w3\.org\/ns\/json-ld#context"?)/;
const NOTIFICATION_FIELDS = new Set(['id', 'type', 'subscriptionId', 'notifiedAt', 'data', '@context', 'triggerReason', 'endpoint', 'subscriptionName']);

/** A failure that retrying later may cure (intake at capacity, the database restarting). */
const isTransient = (err: unknown): boolean =>
  isDatabaseUnavailable(err) || (err instanceof DomainException && ERROR_STATUS[err.code] === 503);

/**
 * The notifications of the Urban Platform's context broker (Orion-LD, Scorpio, Stellio):
 * `{id, type: 'Notification', subscriptionId, notifiedAt, data: [entities]}`, normalized or
 * keyValues, as application/json (the context in a Link header, or the core context alone) or
 * application/ld+json (the @context in the body). Each entity is read on its own: an Alert opens an
 * occurrence through intake (source PLATFORM, Idempotency-Key = entity id + dateIssued), a Device
 * reports its asset's status; an entity that cannot be taken is refused alone (logged, counted,
 * listed in the answer) and the others are stored. A notification whose entities all fail is a
 * 400 naming them; one that meets a passing failure (intake at capacity, the database restarting)
 * is a 503 once the rest is stored, so the broker sends it again and idempotency takes the rest.
 */
@Injectable()
export class PlatformNotifyService {
  private readonly logger = new Logger('PlatformNotify');
  /** Platform reports in intake at once on this node: two group-commit batches (one written, the next ready). */
  private readonly gate: Gate;

  constructor(
    private readonly env: Env,
    private readonly intake: OccurrenceIntakeService,
    private readonly rules: RuleSetService,
    private readonly metrics: PlatformMetrics,
    private readonly assets: AssetStatusService,
  ) {
    this.gate = new Gate(2 * env.INTAKE_BATCH_MAX);
  }

  async take(body: unknown, mediaType: 'application/json' | 'application/ld+json', link: string | undefined, actor: Actor): Promise<NotifyOutcome> {
    const { notification, context } = this.envelope(body, mediaType, link);
    const notifiedAt = dateTimeOf(notification.notifiedAt, 'notifiedAt');
    const data = notification.data as Json[];
    const alerts = (await this.rules.active()).document.assets.platformAlerts;
    const outcome: NotifyOutcome = {
      subscriptionId: notification.subscriptionId as string, accepted: 0, replayed: 0, own: 0, ignored: 0, rejected: [], occurrences: [],
    };
    let transient: unknown = null;
    // Checked one by one, then read as JSON-LD together (compactEntities keeps failures apart).
    const checked = data.map((raw, index): JsonObject | Error => {
      try {
        return this.checkEntity(raw, `data[${index}]`);
      } catch (err) {
        return err as Error;
      }
    });
    const readable = checked.flatMap((c, index) => (c instanceof Error ? [] : [{ index, entity: c }]));
    const compacted = await compactEntities(readable.map((r) => r.entity), context);
    const read = new Map(readable.map((r, k) => [r.index, compacted[k]]));
    await Promise.all(data.map(async (raw, index) => {
      const path = `data[${index}]`;
      const id = isObject(raw) && typeof raw.id === 'string' ? raw.id.slice(0, 256) : null;
      let type = 'other';
      try {
        const pre = checked[index];
        if (pre instanceof Error) throw pre;
        const entity = read.get(index);
        if (entity instanceof Error) throw new AttributeError(path, `is not valid JSON-LD: ${entity.message}`.slice(0, 300));
        if (!entity) {
          this.metrics.notified.inc({ type, outcome: 'ignored' });
          outcome.ignored++;
          return;
        }
        type = entity.kind;
        const result = entity.kind === 'Alert'
          ? await this.takeAlert(entity.entity, alerts, path, actor, index, outcome)
          : await this.takeDevice(entity.entity, path, notifiedAt, actor);
        this.metrics.notified.inc({ type, outcome: result });
        if (result === 'accepted') outcome.accepted++;
        else if (result === 'replayed') outcome.replayed++;
        else outcome.own++;
      } catch (err) {
        if (isTransient(err)) {
          transient = err;
          return;
        }
        const reason = reasonOf(err, path);
        if (!reason) throw err;
        this.metrics.notified.inc({ type, outcome: 'rejected' });
        this.logger.warn(`notification ${outcome.subscriptionId}: ${type} ${id ?? '(no id)'} refused: ${reason.field} ${reason.message}`);
        outcome.rejected.push({ index, id, field: reason.field, reason: reason.message });
      }
    }));
    outcome.rejected.sort((a, b) => a.index - b.index);
    outcome.occurrences.sort((a, b) => a.index - b.index);
    if (transient) throw transient;
    const taken = outcome.accepted + outcome.replayed + outcome.own + outcome.ignored;
    if (taken === 0 && outcome.rejected.length > 0) {
      throw new NgsiLdException('BadRequestData', 400, `No entity of the notification could be taken (${outcome.rejected.length} refused)`,
        outcome.rejected.map((r) => ({ field: r.field, message: r.reason })));
    }
    return outcome;
  }

  /** The notification itself, checked, and the @context its entities are read with. */
  private envelope(body: unknown, mediaType: string, link: string | undefined): { notification: JsonObject; context: ContextValue | null } {
    const bad = (field: string, message: string): NgsiLdException =>
      new NgsiLdException('BadRequestData', 400, `Invalid notification: ${field} ${message}`, [{ field, message }]);
    if (!isObject(body)) throw bad('body', 'must be a JSON object (an NGSI-LD Notification)');
    for (const key of Object.keys(body)) if (!NOTIFICATION_FIELDS.has(key)) throw bad(key, 'is not a member of an NGSI-LD Notification');
    if (body.type !== 'Notification') throw bad('type', 'must be "Notification"');
    if (typeof body.id !== 'string' || body.id.length === 0 || body.id.length > 256) throw bad('id', 'must be the notification\'s URI');
    if (typeof body.subscriptionId !== 'string' || body.subscriptionId.length === 0 || body.subscriptionId.length > 256) throw bad('subscriptionId', 'must be the subscription\'s URI');
    try {
      dateTimeOf(body.notifiedAt, 'notifiedAt');
    } catch (err) {
      throw bad('notifiedAt', (err as Error).message);
    }
    if (!Array.isArray(body.data) || body.data.length === 0) throw bad('data', 'must be a non-empty array of entities');
    if (body.data.length > this.env.PLATFORM_NOTIFY_MAX_ENTITIES) throw bad('data', `must hold at most ${this.env.PLATFORM_NOTIFY_MAX_ENTITIES} entities`);
    let context: ContextValue | null = null;
    if (mediaType === 'application/ld+json') {
      if (body['@context'] === undefined) throw bad('@context', 'is required with application/ld+json');
      context = body['@context'] as ContextValue;
    } else {
      if (body['@context'] !== undefined) throw bad('@context', 'must not be in an application/json body: send it in a Link header or as application/ld+json');
      if (link !== undefined) {
        const m = LINK_CONTEXT.exec(link);
        if (!m) throw bad('link', 'must be <url>; rel="http://www.w3.org/ns/json-ld#context"');
        context = m[1];
      }
    }
    if (context !== null) checkContext(context, mediaType === 'application/ld+json' ? '@context' : 'link');
    return { notification: body, context };
  }

  /** What can be checked of an entity before JSON-LD reads it. */
  private checkEntity(raw: Json, path: string): JsonObject {
    if (!isObject(raw)) throw new AttributeError(path, 'must be an entity (a JSON object)');
    if (raw['@context'] !== undefined) checkContext(raw['@context'] as ContextValue, `${path}.@context`);
    if (typeof raw.type !== 'string' && !Array.isArray(raw.type)) throw new AttributeError(`${path}.type`, 'is required');
    return raw;
  }

  private async takeAlert(
    entity: JsonObject, alerts: readonly PlatformAlertRule[], path: string, actor: Actor, index: number, outcome: NotifyOutcome,
  ): Promise<'accepted' | 'replayed' | 'own'> {
    if ((typeof entity.id === 'string' && entity.id.startsWith(CGI_ALERT_ID_PREFIX)) || isOwnSource(entity)) return 'own';
    const alert = alertToIntake(entity, alerts, path);
    const dto: CreateOccurrenceDto = {
      category: alert.category,
      source: 'PLATFORM',
      location: { lat: alert.location.lat, lon: alert.location.lon },
      flags: alert.flags,
      description: alert.description,
    };
    try {
      // A notification carries many reports: at most two intake batches of them (2 × INTAKE_BATCH_MAX)
      // are in intake at a time on this node, which bounds them instead of intake's wait deadline (ADR 0016):
      // a notification is not half refused because its own other reports were ahead of it.
      const result = await this.gate.run(() => this.intake.intake(dto, actor, {
        idempotencyKey: alert.idempotencyKey, waitBound: false, ...(alert.priority ? { sourcePriority: alert.priority } : {}),
      }));
      outcome.occurrences.push({ index, id: result.occurrence.id, reference: result.occurrence.reference });
      return result.replayed ? 'replayed' : 'accepted';
    } catch (err) {
      throw prefixFields(err, path);
    }
  }

  /** A Device's state → its asset's status; an observation not newer than the asset's last is taken as a replay. */
  private async takeDevice(entity: JsonObject, path: string, notifiedAt: Date, actor: Actor): Promise<'accepted' | 'replayed'> {
    const report = deviceToStatus(entity, path, notifiedAt);
    try {
      const result = await this.assets.reportStatus({
        code: report.code, status: report.status, reason: report.reason, observedAt: report.observedAt,
        source: 'PLATFORM', actor, idempotencyKey: report.idempotencyKey,
      });
      return result.ignored ? 'replayed' : 'accepted';
    } catch (err) {
      throw prefixFields(err, path);
    }
  }
}

function isOwnSource(entity: JsonObject): boolean {
  const source = entity.alertSource;
  const value = isObject(source) ? (source.object ?? source.value) : source;
  return value === CGI_ALERT_SOURCE;
}

/** Every remote context named must be one the CGI ships (nothing is fetched). */
function checkContext(context: ContextValue, field: string): void {
  const items = Array.isArray(context) ? context : [context];
  if (items.length === 0 || items.length > 10) throw new NgsiLdException('BadRequestData', 400, `Invalid ${field}`, [{ field, message: 'must name 1 to 10 contexts' }]);
  for (const item of items) {
    if (typeof item === 'string') {
      if (!isShippedContext(item)) {
        throw new NgsiLdException('BadRequestData', 400, `Unknown @context ${item.slice(0, 200)}`, [
          { field, message: `${item.slice(0, 200)} is not a context the CGI ships (the NGSI-LD core context, the Smart Data Models Alert and Device contexts); nothing is fetched` },
        ]);
      }
    } else if (!isObject(item)) {
      throw new NgsiLdException('BadRequestData', 400, `Invalid ${field}`, [{ field, message: 'must be context URLs or context objects' }]);
    } else if (JSON.stringify(item).includes('"@import"')) {
      throw new NgsiLdException('BadRequestData', 400, `Invalid ${field}`, [{ field, message: 'must not @import other contexts' }]);
    }
  }
}

/** The field and reason of an entity's failure, or null for a fault that is not the entity's. */
function reasonOf(err: unknown, path: string): FieldError | null {
  if (err instanceof AttributeError) return { field: err.field, message: err.message };
  if (err instanceof NgsiLdException) return { field: err.fields?.[0]?.field ?? path, message: err.fields?.[0]?.message ?? err.message };
  if (err instanceof DomainException && ERROR_STATUS[err.code] < 500) {
    const f = err.fields?.[0];
    return { field: f?.field ?? path, message: f?.message ?? err.message };
  }
  return null;
}

/** A DomainException about the intake's fields (`location`) named in the notification (`data[3].location`). */
function prefixFields(err: unknown, path: string): unknown {
  if (!(err instanceof DomainException) || !err.fields) return err;
  if (ERROR_STATUS[err.code] >= 500) return err;
  return new DomainException(err.code, err.message, err.fields.map((f) => ({ field: `${path}.${f.field}`, message: f.message })));
}

/** At most `size` tasks running; the others wait their turn in arrival order. */
class Gate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
