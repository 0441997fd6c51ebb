import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import Redis from 'ioredis';
import { Server, type Namespace } from 'socket.io';
import type { DataSource } from 'typeorm';
import {
  isLivePosition,
  LIVE_NAMESPACE,
  type LiveClientEvents,
  type LiveHandshakeAuth,
  type LiveResumeAck,
  type LiveServerEvents,
  type LiveWatchAck,
  type Role,
} from '@cgi/shared';
import { CGI_ROLES, isDepartmentRole, type Actor } from '../auth/actor';
import type { AccessTokenClaims } from '../auth/auth.guard';
import { UserRevocationService } from '../auth/user-revocation.service';
import { Env } from '../config/env';
import { EventLogService } from '../events/event-log.service';
import { clusterName } from '../redis/cluster-name';
import { comparePositions, parsePosition, type EventPosition } from '../events/event-position';
import { LiveFeedRepository } from './live-feed.repository';
import type { LiveInterServerEvents, LiveRelayMessage, LiveSocketData } from './live-relay.message';
import { LiveSession, type LiveSessionDeps, type LiveSocket } from './live-session';

type LiveNamespace = Namespace<LiveClientEvents, LiveServerEvents, LiveInterServerEvents, LiveSocketData>;

/** Roles that may open the live feed: the CGI (and the videowall's VIEWER) see everything, departments their own. */
const FEED_ROLES: readonly Role[] = [...CGI_ROLES, 'VIEWER', 'DEPARTMENT_AGENT', 'DEPARTMENT_SUPERVISOR'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CGI_ROOM = 'cgi';
export const departmentRoom = (d: string): string => `dept:${d}`;
export const occurrenceRoom = (id: string): string => `occ:${id}`;

/** An error the client gets as `connect_error` (message and `data` in the API's error shape). */
class HandshakeError extends Error {
  constructor(
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'VALIDATION_FAILED' | 'NOT_FOUND',
    message: string,
  ) {
    super(message);
  }
  get data(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/**
 * The Socket.IO gateway of the live feed (namespace /live) on the API's HTTP server, with the
 * Redis Streams adapter so that every API node hears the relay. Each node delivers the relay's
 * messages to its own sockets, through per-socket sessions (rights, position, catch-up, backpressure).
 */
@Injectable()
export class LiveGateway implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LiveGateway');
  private io?: Server;
  private nsp?: LiveNamespace;
  private pub?: Redis;
  /** Set when the module is shutting down: nothing more is handed to Redis. */
  private closing = false;
  private readonly sessions = new Map<string, LiveSession>();
  /** The relay position this node has received every message up to (null before the first). */
  private upTo: EventPosition | null = null;
  private deps!: LiveSessionDeps;
  private revocations?: UserRevocationService;
  private stopRevocations?: () => void;

  constructor(
    private readonly env: Env,
    private readonly http: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly log: EventLogService,
    private readonly repo: LiveFeedRepository,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    // An application context (the demo seed, scripts) has no HTTP server: no sockets to serve.
    if (!this.http.httpAdapter) return;
    const jwt = this.moduleRef.get(JwtService, { strict: false });
    const revocations = this.moduleRef.get(UserRevocationService, { strict: false });
    this.revocations = revocations;
    this.deps = {
      log: this.log,
      repo: this.repo,
      logger: this.logger,
      replayLimit: this.env.LIVE_REPLAY_LIMIT,
      bufferLimit: this.env.LIVE_SOCKET_BUFFER_LIMIT,
      relayedUpTo: () => this.upTo,
    };
    // Commands wait while Redis is away instead of failing: the adapter publishes without awaiting.
    this.pub = new Redis(this.env.REDIS_URL, { maxRetriesPerRequest: null });
    this.pub.on('error', (err) => this.logger.warn(`live feed Redis: ${err.message}`));
    const cluster = clusterName(this.env.DATABASE_URL);
    this.io = new Server(this.http.httpAdapter.getHttpServer(), {
      serveClient: false,
      // A connection that joins no namespace (none but /live is served) is closed after this.
      connectTimeout: 10_000,
      cors: { origin: this.env.CORS_ORIGINS ? this.env.CORS_ORIGINS.split(',').map((s) => s.trim()) : false, credentials: true },
      adapter: createAdapter(this.pub, { streamName: `${cluster}:stream`, channelPrefix: cluster, blockTimeInMs: 1000, onlyPlaintext: true }),
    });
    this.refuseMainNamespace(this.io);
    const nsp: LiveNamespace = this.io.of(LIVE_NAMESPACE);
    this.nsp = nsp;
    nsp.use((socket, next) => {
      this.authenticate(socket, jwt).then(
        () => next(),
        (err: unknown) => {
          const e = err instanceof HandshakeError ? err : new HandshakeError('UNAUTHENTICATED', 'Invalid or expired token');
          next(Object.assign(new Error(e.message), { data: e.data }));
        },
      );
    });
    nsp.on('connection', (socket) => this.onConnection(socket));
    // A disabled user (on any node: UserRevocationService hears them all) loses their sockets on this node at once.
    this.stopRevocations = revocations.onRevoked((userId) => this.disconnectUser(userId));
    nsp.on('relay:message', (m) => this.onRelayMessage(m));
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.stopRevocations?.();
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
    if (this.io) {
      this.nsp?.local.disconnectSockets(true);
      await Promise.allSettled([this.io.of('/').adapter.close(), this.nsp?.adapter.close()]);
      this.io.engine.close();
    }
    // QUIT after what is queued: the adapter publishes relay messages without awaiting them, so a
    // disconnect() here would reject those in flight with no one to catch it (the process crashed
    // on SIGTERM under load).
    await this.pub?.quit().catch(() => this.pub?.disconnect());
  }

  /**
   * Called by the relay: every node's sockets get the message (this node directly, the others
   * through the Redis adapter). Returns false when it could not be handed to Redis (the other
   * nodes will see the gap in the `prev` chain and catch their sockets up from PostgreSQL).
   */
  publish(m: LiveRelayMessage): boolean {
    if (this.closing) return false;
    const toRedis = this.pub?.status === 'ready';
    if (toRedis) this.nsp!.serverSideEmit('relay:message', m);
    this.onRelayMessage(m);
    return toRedis;
  }

  /** False in an application context without an HTTP server: there is nothing to relay to. */
  get serving(): boolean {
    return Boolean(this.http.httpAdapter);
  }

  /** Sockets on this node (for tests and metrics). */
  get localSessions(): ReadonlyMap<string, LiveSession> {
    return this.sessions;
  }

  private async authenticate(socket: LiveSocket, jwt: JwtService): Promise<void> {
    const auth = (socket.handshake.auth ?? {}) as Partial<LiveHandshakeAuth>;
    if (typeof auth.token !== 'string' || auth.token === '') throw new HandshakeError('UNAUTHENTICATED', 'Missing token (handshake auth.token)');
    if (auth.after !== undefined && !isLivePosition(auth.after)) {
      throw new HandshakeError('VALIDATION_FAILED', 'after must be a position "<txId>.<seq>" from a previous event');
    }
    let claims: AccessTokenClaims & { exp?: number };
    try {
      claims = await jwt.verifyAsync<AccessTokenClaims & { exp?: number }>(auth.token, { algorithms: ['HS256'] });
    } catch {
      throw new HandshakeError('UNAUTHENTICATED', 'Invalid or expired token');
    }
    if (this.revocations?.isRevoked(claims.sub)) throw new HandshakeError('UNAUTHENTICATED', 'This account is disabled');
    if (!FEED_ROLES.includes(claims.role)) throw new HandshakeError('FORBIDDEN', `Role ${claims.role} may not open the live feed`);
    if (isDepartmentRole({ ...claims, id: claims.sub }) && !claims.department) {
      throw new HandshakeError('FORBIDDEN', 'A department role needs a department');
    }
    socket.data.actor = { id: claims.sub, username: claims.username, role: claims.role, department: claims.department };
    if (claims.exp) {
      // The feed lasts as long as the token: the client reconnects with a fresh one and resumes.
      const timer = setTimeout(() => socket.disconnect(true), Math.max(0, claims.exp * 1000 - Date.now()));
      timer.unref();
      socket.once('disconnect', () => clearTimeout(timer));
    }
  }

  /**
   * The main namespace `/` serves nothing: refused (connect_error, `data.code` NOT_FOUND), and the
   * connection closed once the refusal is written unless it also holds a /live socket.
   */
  private refuseMainNamespace(io: Server): void {
    io.of('/').use((socket, next) => {
      const e = new HandshakeError('NOT_FOUND', `Only the ${LIVE_NAMESPACE} namespace is served`);
      next(Object.assign(new Error(e.message), { data: e.data }));
      const conn = socket.conn;
      setImmediate(() => {
        const live = [...(this.nsp?.sockets.values() ?? [])].some((s) => s.conn === conn);
        if (!live) conn.close();
      });
    });
  }

  /** Closes this node's sockets of the user (each node does it for its own). */
  private disconnectUser(userId: string): void {
    for (const s of this.sessions.values()) {
      if (s.actor.id === userId) s.socket.disconnect(true);
    }
  }

  private onConnection(socket: LiveSocket): void {
    const actor = socket.data.actor;
    if (this.revocations?.isRevoked(actor.id)) {
      // Disabled between the handshake's check and now.
      socket.disconnect(true);
      return;
    }
    const session = new LiveSession(socket, actor, this.upTo, this.deps);
    this.sessions.set(socket.id, session);
    void socket.join(isDepartmentRole(actor) ? departmentRoom(actor.department!) : CGI_ROOM);
    socket.on('disconnect', () => {
      session.close();
      this.sessions.delete(socket.id);
    });
    socket.on('feed:resume', (req, ack) => {
      void this.resume(session, req?.after).then((r) => typeof ack === 'function' && ack(r));
    });
    socket.on('occurrence:watch', (req, ack) => {
      void this.watch(socket, actor, req?.occurrenceId).then((r) => typeof ack === 'function' && ack(r));
    });
    socket.on('occurrence:unwatch', (req) => {
      if (typeof req?.occurrenceId === 'string') void socket.leave(occurrenceRoom(req.occurrenceId));
    });
    const after = (socket.handshake.auth as Partial<LiveHandshakeAuth>).after;
    if (after !== undefined) void this.resume(session, after);
  }

  private async resume(session: LiveSession, after: unknown): Promise<LiveResumeAck> {
    const p = typeof after === 'string' ? parsePosition(after) : null;
    if (!p) {
      return { ok: false, replayed: 0, reload: false, position: '0.0', error: 'after must be a position "<txId>.<seq>" from a previous event' };
    }
    return session.catchUp(p);
  }

  /** Joins the occurrence's room if the socket may see the occurrence (department roles: assigned to it). */
  private async watch(socket: LiveSocket, actor: Actor, occurrenceId: unknown): Promise<LiveWatchAck> {
    if (typeof occurrenceId !== 'string' || !UUID.test(occurrenceId)) return { ok: false, error: 'occurrenceId must be a UUID' };
    const rows: unknown[] = isDepartmentRole(actor)
      ? await this.ds.query(
          `SELECT 1 FROM occurrence_assignments WHERE occurrence_id = $1 AND department = $2 AND state <> 'RELEASED'`,
          [occurrenceId, actor.department],
        )
      : await this.ds.query(`SELECT 1 FROM occurrences WHERE id = $1`, [occurrenceId]);
    if (rows.length === 0) return { ok: false, error: 'Occurrence not found' };
    await socket.join(occurrenceRoom(occurrenceId));
    return { ok: true };
  }

  /** A relay message reached this node: hand each event to the sockets of its rooms, once each. */
  private onRelayMessage(m: LiveRelayMessage): void {
    const prev = parsePosition(m.prev);
    const upTo = parsePosition(m.upTo);
    if (!prev || !upTo) return;
    if (this.upTo && comparePositions(prev, this.upTo) > 0) {
      this.logger.warn(`live feed: missed relay messages between ${fmt(this.upTo)} and ${m.prev}; catching sockets up from the log`);
      for (const s of this.sessions.values()) s.onUpstreamGap();
    }
    for (const s of this.sessions.values()) s.checkBackpressure();
    const rooms = this.nsp!.adapter.rooms;
    for (const e of m.events) {
      const targets = new Set<string>();
      const add = (room: string) => rooms.get(room)?.forEach((id) => targets.add(id));
      add(CGI_ROOM);
      e.event.departments.forEach((d) => add(departmentRoom(d)));
      if (e.event.occurrenceId) add(occurrenceRoom(e.event.occurrenceId));
      for (const id of targets) this.sessions.get(id)?.deliver(e);
    }
    if (!this.upTo || comparePositions(upTo, this.upTo) > 0) this.upTo = upTo;
    if (m.events.length === 0) for (const s of this.sessions.values()) s.heartbeat(this.upTo);
  }
}

const fmt = (p: EventPosition): string => `${p.txId}.${p.seq}`;
