import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import {
  LIVE_NAMESPACE,
  LiveCursor,
  compareLivePositions,
  type Department,
  type LiveClientEvents,
  type LiveOccurrenceEvent,
  type LiveReload,
  type LiveResumeAck,
  type LiveServerEvents,
  type Role,
} from '@cgi/shared';
import { createTestDatabase } from '../../../../../test/support/database';

const REPO = path.resolve(__dirname, '../../../../..');
const REGISTER = path.join(__dirname, 'swc-register.js');
const MAIN = path.join(REPO, 'apps/api/src/main.ts');
export const JWT_SECRET = 'live-test-secret-live-test-secret-0123';

/** Children of this test process: killed when it exits, whatever happened to the test. */
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));
function track(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A private redis-server on its own port, so a test may kill and restart it without disturbing anyone. */
export class RedisServer {
  private proc?: ChildProcess;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const r = new RedisServer(await freePort());
    await r.start();
    return r;
  }

  async start(): Promise<void> {
    this.proc = track(spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    }));
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await until('redis-server', () => probe.connect().then(() => true, () => false), 5000);
    } finally {
      probe.disconnect();
    }
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }
}

/** A real API process (from the TypeScript sources) on its own port. */
export class ApiNode {
  output = '';
  private exited = false;
  constructor(
    readonly port: number,
    private readonly proc: ChildProcess,
  ) {
    proc.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.once('exit', () => (this.exited = true));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** True once this node has logged that it leads the relay. */
  get leading(): boolean {
    return this.output.includes(': leading');
  }

  static async start(env: Record<string, string>): Promise<ApiNode> {
    const port = await freePort();
    const proc = track(spawn(process.execPath, ['-r', REGISTER, MAIN], {
      cwd: REPO,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        JWT_SECRET,
        LOG_LEVEL: 'info', // the harness reads Nest's log lines ("leading", "listening")
        LIVE_HEARTBEAT_MS: '300',
        LIVE_LEADER_RETRY_MS: '200',
        LIVE_POLL_MS: '100',
        RATE_LIMIT_USER_PER_MINUTE: '1000000',
        // Tests judge behaviour on a loaded machine, not latency: intake's latency budget (ADR 0016) is
        // exercised by intake-bound.spec.ts on its own.
        INTAKE_MAX_WAIT_MS: '10000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    const node = new ApiNode(port, proc);
    await until(`API node on ${port}`, () => {
      if (node.exited) throw new Error(`API node exited:\n${node.output}`);
      return node.output.includes('CGI API listening');
    }, 90000);
    return node;
  }

  async waitUntilLeading(timeoutMs = 10000): Promise<void> {
    await until(`node ${this.port} to lead the relay`, () => this.leading, timeoutMs);
  }

  /** kill -9 (no shutdown hooks: its sockets just vanish, PostgreSQL frees its lock). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill(signal);
    });
  }
}

export type Identity = 'operator' | 'viewer' | 'fireAgent' | 'policeAgent' | 'mobilityAgent' | 'admin';
const IDENTITIES: Record<Identity, { role: Role; department: Department | null }> = {
  operator: { role: 'CGI_OPERATOR', department: null },
  viewer: { role: 'VIEWER', department: null },
  fireAgent: { role: 'DEPARTMENT_AGENT', department: 'FIRE' },
  policeAgent: { role: 'DEPARTMENT_AGENT', department: 'POLICE' },
  mobilityAgent: { role: 'DEPARTMENT_AGENT', department: 'MOBILITY' },
  admin: { role: 'ADMIN', department: null },
};

/** A test database with users and their tokens, shared by the API nodes of a test file. */
export class LiveTestDatabase {
  private constructor(
    readonly url: string,
    readonly db: Client,
    private readonly tokens: Map<Identity, string>,
    private readonly drop: () => Promise<void>,
  ) {}

  static async create(): Promise<LiveTestDatabase> {
    const database = await createTestDatabase();
    const db = new Client({ connectionString: database.url });
    await db.connect();
    const jwt = new JwtService({ secret: JWT_SECRET, signOptions: { expiresIn: 3600 } });
    const tokens = new Map<Identity, string>();
    for (const [username, { role, department }] of Object.entries(IDENTITIES) as Array<[Identity, (typeof IDENTITIES)[Identity]]>) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO users (username, display_name, password_hash, role, department) VALUES ($1, $1, 'x', $2, $3) RETURNING id`,
        [username, role, department],
      );
      tokens.set(username, jwt.sign({ sub: rows[0].id, username, role, department }));
    }
    return new LiveTestDatabase(database.url, db, tokens, database.drop);
  }

  token(who: Identity): string {
    return this.tokens.get(who)!;
  }

  async userId(who: Identity): Promise<string> {
    return (await this.db.query<{ id: string }>(`SELECT id FROM users WHERE username = $1`, [who])).rows[0].id;
  }

  /** Every event position after `after` in log order, optionally only those concerning `department`. */
  async positionsAfter(after: string, department?: Department): Promise<string[]> {
    const [tx, seq] = after.split('.');
    const { rows } = await this.db.query<{ p: string }>(
      `SELECT tx_id::text || '.' || seq::text AS p FROM occurrence_events
        WHERE (tx_id, seq) > ($1::text::xid8, $2::bigint) ${department ? 'AND $3 = ANY(departments)' : ''}
        ORDER BY tx_id, seq`,
      department ? [tx, seq, department] : [tx, seq],
    );
    return rows.map((r) => r.p);
  }

  async close(): Promise<void> {
    await this.db.end();
    await this.drop();
  }
}

/** Categories and the department that leads them (governance.md §3). */
export const LEADS = { FIRE_VEHICLE: 'FIRE', ILLEGAL_PARKING: 'POLICE', BOLLARD_FAULT: 'MOBILITY' } as const;

let seq = 0;
/** An operator intake (dispatched at once): OCCURRENCE_CREATED then DISPATCHED. */
export async function createOccurrence(node: ApiNode, token: string, category: keyof typeof LEADS = 'FIRE_VEHICLE'): Promise<string> {
  seq++;
  const res = await fetch(`${node.url}/api/v1/occurrences`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      category,
      location: { lat: 41.1496 + (seq % 50) * 0.0004, lon: -8.6063, address: `Rua de Santa Catarina ${seq}` },
      description: `live feed test ${seq}`,
    }),
  });
  if (res.status !== 201) throw new Error(`intake failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

type FeedSocket = Socket<LiveServerEvents, LiveClientEvents>;

/** A console's socket: records every event received, in order, and de-duplicates like the console does. */
export class FeedClient {
  readonly received: LiveOccurrenceEvent[] = [];
  readonly reloads: LiveReload[] = [];
  heartbeats = 0;
  readonly cursor: LiveCursor;
  socket!: FeedSocket;

  constructor(after = '0.0') {
    this.cursor = new LiveCursor(after);
  }

  /** Connects to a node (resuming from the cursor when `resume`); resolves once connected. */
  async connect(node: ApiNode, token: string, opts: { resume?: boolean; transports?: Array<'websocket' | 'polling'> } = {}): Promise<void> {
    const socket: FeedSocket = io(`${node.url}${LIVE_NAMESPACE}`, {
      auth: opts.resume ? { token, after: this.cursor.position } : { token },
      transports: opts.transports ?? ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    socket.on('occurrence:event', (e) => {
      this.received.push(e);
      this.cursor.accept(e.event.position);
    });
    socket.on('feed:heartbeat', (h) => {
      this.heartbeats++;
      this.cursor.advanceTo(h.position);
    });
    socket.on('feed:reload', (r) => this.reloads.push(r));
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
  }

  resume(after = this.cursor.position): Promise<LiveResumeAck> {
    return this.socket.timeout(20000).emitWithAck('feed:resume', { after });
  }

  disconnect(): void {
    this.socket.disconnect();
  }

  positions(): string[] {
    return this.received.map((e) => e.event.position);
  }

  /** Positions received after `after`, in the order received. */
  positionsAfter(after: string): string[] {
    return this.positions().filter((p) => compareLivePositions(p, after) > 0);
  }

  /** True when the positions received strictly increase (no duplicate, no disorder). */
  inOrderOnce(): boolean {
    const p = this.positions();
    return p.every((x, i) => i === 0 || compareLivePositions(p[i - 1], x) < 0);
  }

  async waitForPosition(position: string, timeoutMs = 15000): Promise<void> {
    try {
      await until(`event ${position}`, () => this.received.some((e) => e.event.position === position), timeoutMs);
    } catch (err) {
      const last = this.positions().slice(-3).join(', ');
      throw new Error(`${(err as Error).message}: received ${this.received.length} (last ${last}), connected ${this.socket.connected}`);
    }
  }

  async waitForHeartbeat(timeoutMs = 5000): Promise<void> {
    const n = this.heartbeats;
    await until('a heartbeat', () => this.heartbeats > n, timeoutMs);
  }
}

export { until };
