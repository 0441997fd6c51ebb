import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { Env } from '../config/env';
import { pgClientConfig } from '../database/session-settings';
import { EventLogService } from '../events/event-log.service';
import { comparePositions, formatPosition, parsePosition } from '../events/event-position';
import { LiveFeedRepository } from './live-feed.repository';
import { LiveGateway } from './live.gateway';

/** The advisory lock that makes one API node the relay ("LIVE" in ASCII). */
export const LIVE_RELAY_LOCK = 0x4c495645;
const BATCH = 500;
const CHECKPOINT_EVERY_MS = 500;

/**
 * The one relay of the cluster: the node holding the advisory lock (on a dedicated connection,
 * released by PostgreSQL when the node dies) tails the event log from its checkpoint, woken by
 * NOTIFY with polling as a fallback, and publishes each batch, with the current occurrence
 * views, to every node. The others retry the lock and take over when the leader goes away.
 */
@Injectable()
export class LiveRelayService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LiveRelay');
  private readonly id = randomUUID();
  private client: Client | null = null;
  private stopped = false;
  private running?: Promise<void>;
  private wake?: () => void;
  private notified = false;
  leading = false;

  constructor(
    private readonly env: Env,
    private readonly log: EventLogService,
    private readonly repo: LiveFeedRepository,
    private readonly gateway: LiveGateway,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.gateway.serving) return;
    this.running = this.campaign();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async campaign(): Promise<void> {
    while (!this.stopped) {
      try {
        const client = await this.connect();
        const [{ ok }] = (await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1) AS ok`, [LIVE_RELAY_LOCK])).rows;
        if (ok) {
          await client.query(`LISTEN occurrence_events`);
          this.leading = true;
          this.logger.log(`live relay ${this.id}: leading`);
          await this.lead(client);
        }
      } catch (err) {
        if (!this.stopped) this.logger.warn(`live relay: ${(err as Error).message}`);
        await this.disconnect();
      } finally {
        this.leading = false;
      }
      if (!this.stopped) await this.sleep(this.env.LIVE_LEADER_RETRY_MS);
    }
    await this.disconnect();
  }

  private async lead(client: Client): Promise<void> {
    let position = await this.repo.checkpoint();
    let saved = position;
    let lastSave = Date.now();
    let lastBeat = 0;
    // After a NOTIFY, the committed events may not be readable yet (an older transaction still
    // running holds the snapshot's xmin): re-read after 5, 10, 20… ms until the poll interval.
    let chase = 0;
    while (!this.stopped && this.client === client) {
      this.notified = false;
      const readAt = Date.now();
      const events = await this.log.readAfter(position, BATCH);
      let published = true;
      if (events.length > 0) {
        const upTo = parsePosition(events[events.length - 1].position)!;
        const live = await this.repo.withViews(events);
        published = this.gateway.publish({ relay: this.id, prev: formatPosition(position), upTo: formatPosition(upTo), events: live });
        position = upTo;
      }
      const now = Date.now();
      if (now - lastBeat >= this.env.LIVE_HEARTBEAT_MS) {
        const p = formatPosition(position);
        published = this.gateway.publish({ relay: this.id, prev: p, upTo: p, events: [] }) && published;
        lastBeat = now;
      }
      // The checkpoint only moves past what Redis took (a takeover re-sends the rest; sockets drop duplicates).
      if (published && comparePositions(position, saved) > 0 && (now - lastSave >= CHECKPOINT_EVERY_MS || events.length === 0)) {
        await this.repo.saveCheckpoint(position);
        saved = position;
        lastSave = now;
      }
      if (events.length === BATCH) continue;
      if (this.notified) {
        // More was committed meanwhile: let a few ms of it gather into the next batch.
        const wait = this.env.LIVE_COALESCE_MS - (Date.now() - readAt);
        if (wait > 0) await this.sleep(wait);
        continue;
      }
      chase = chase > 0 && chase * 2 < this.env.LIVE_POLL_MS ? chase * 2 : 0;
      const woken = await this.sleep(chase > 0 ? chase : this.env.LIVE_POLL_MS, true);
      if (woken) chase = 5;
    }
  }

  private async connect(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client(pgClientConfig(this.env.DATABASE_URL, { application_name: 'cgi-live-relay' }));
    client.on('error', (err) => {
      this.logger.warn(`live relay connection lost: ${err.message}`);
      if (this.client === client) this.client = null;
      this.wake?.();
    });
    client.on('end', () => {
      if (this.client === client) this.client = null;
      this.wake?.();
    });
    client.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    await client.connect();
    this.client = client;
    return client;
  }

  private async disconnect(): Promise<void> {
    const c = this.client;
    this.client = null;
    // Closing the session releases the advisory lock.
    if (c) await c.end().catch(() => undefined);
  }

  /** Sleeps `ms`; a NOTIFY (when `wakeable`) or shutdown ends it early. True when a NOTIFY ended it. */
  private sleep(ms: number, wakeable = false): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve(false);
      if (wakeable && this.notified) return resolve(true);
      const t = setTimeout(() => done(false), ms);
      const done = (woken: boolean): void => {
        clearTimeout(t);
        this.wake = undefined;
        resolve(woken);
      };
      this.wake = () => {
        if (this.stopped) done(false);
        else if (wakeable && this.notified) done(true);
        else if (wakeable) done(false);
      };
    });
  }
}
