import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, LiveCursor, type LiveClientEvents, type LiveServerEvents } from '@cgi/shared';
import { freePort, waitFor } from '../../../apps/escalation-worker/test/support/worker-process';

export const REPO = join(__dirname, '../../..');
export const API_MAIN = join(REPO, 'apps/api/dist/main.js');
export const MIGRATE_MAIN = join(REPO, 'apps/api/dist/database/migrate.js');

/** Children of this test process: killed when it exits, whatever happened to the test. */
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));

/** Runs the built migration command (as `npm start` does) against `url`. */
export async function migrate(url: string): Promise<void> {
  const p = spawn(process.execPath, [MIGRATE_MAIN], { cwd: REPO, env: { PATH: process.env.PATH, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => p.once('exit', resolve));
  if (code !== 0) throw new Error(`migrate exited ${code}:\n${out}`);
}

/** A real API process: the built server (`node apps/api/dist/main.js`), on its own port. */
export class ApiProcess {
  output = '';
  private proc: ChildProcess | null = null;

  private constructor(
    readonly name: string,
    readonly port: number,
  ) {}

  static async start(name: string, env: Record<string, string>): Promise<ApiProcess> {
    const node = new ApiProcess(name, await freePort());
    const proc = spawn(process.execPath, [API_MAIN], {
      cwd: REPO,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', HOST: '127.0.0.1', ...env, PORT: String(node.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(proc);
    proc.once('exit', () => children.delete(proc));
    node.proc = proc;
    proc.stdout!.on('data', (d: Buffer) => (node.output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (node.output += d.toString()));
    await waitFor(`API ${name} to listen`, async () => {
      if (proc.exitCode !== null) throw new Error(`API ${name} exited ${proc.exitCode}`);
      return node.output.includes('CGI API listening');
    }, 90_000, 50).catch((err: Error) => {
      throw new Error(`${err.message}\n${node.output.slice(-3000)}`);
    });
    return node;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** kill -9: no shutdown hook; its sockets just vanish. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(sig);
    });
  }
}

type FeedSocket = Socket<LiveServerEvents, LiveClientEvents>;

/**
 * A console on the live feed as the real one behaves: it keeps its cursor, drops duplicates, and
 * when its connection drops it reconnects (to whichever node is up, as a load balancer would send
 * it) with `auth.after` = its cursor, so the server replays what it missed.
 */
export class FaultConsole {
  readonly cursor = new LiveCursor();
  /** Positions of the events applied (duplicates dropped), in order. */
  readonly applied: string[] = [];
  duplicates = 0;
  reloads = 0;
  heartbeats = 0;
  /** How long each reconnect took, from the disconnect to connected on another node (ms). */
  readonly reconnects: Array<{ from: string; to: string; ms: number }> = [];
  /** Where it started: the position of its first heartbeat. */
  from = '0.0';
  node!: ApiProcess;
  private socket: FeedSocket | null = null;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly token: string,
    private readonly nodes: () => ApiProcess[],
  ) {}

  /** Connects to `node` and waits for the first heartbeat (its starting position). */
  async start(node: ApiProcess): Promise<void> {
    await this.connect(node, false);
    const n = this.heartbeats;
    await waitFor(`${this.name}: first heartbeat`, async () => this.heartbeats > n, 10_000, 20);
    this.from = this.cursor.position;
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  close(): void {
    this.closed = true;
    this.socket?.disconnect();
  }

  private connect(node: ApiProcess, resume: boolean): Promise<void> {
    const socket: FeedSocket = io(`${node.url}${LIVE_NAMESPACE}`, {
      auth: resume ? { token: this.token, after: this.cursor.position } : { token: this.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 5000,
    });
    socket.on('occurrence:event', (e) => {
      if (this.cursor.accept(e.event.position)) this.applied.push(e.event.position);
      else this.duplicates++;
    });
    socket.on('feed:heartbeat', (h) => {
      this.heartbeats++;
      this.cursor.advanceTo(h.position);
    });
    socket.on('feed:reload', () => this.reloads++);
    return new Promise<void>((resolve, reject) => {
      socket.once('connect', () => {
        this.socket = socket;
        this.node = node;
        socket.once('disconnect', () => void this.reconnect(node));
        resolve();
      });
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    });
  }

  /** The console's reconnect: any node that is up, from its cursor, retrying every 100 ms. */
  private async reconnect(lost: ApiProcess): Promise<void> {
    const since = Date.now();
    for (let attempt = 0; !this.closed; attempt++) {
      const up = this.nodes().filter((n) => n.alive);
      const node = up.find((n) => n !== lost) ?? up[0];
      if (node) {
        try {
          await this.connect(node, true);
          this.reconnects.push({ from: lost.name, to: node.name, ms: Date.now() - since });
          return;
        } catch {
          // not up yet: try again
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
