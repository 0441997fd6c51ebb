import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const WORKER_MAIN = join(__dirname, '../../dist/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A private redis-server for one test file: FLUSHALL and outages touch nobody else. */
export class RedisServer {
  private proc: ChildProcess | null = null;
  constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const r = new RedisServer(await freePort());
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor('redis-server', async () => (await this.cli('PING')) === 'PONG');
  }

  async down(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  cli(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const c = spawn('redis-cli', ['-p', String(this.port), ...args]);
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`redis-cli exited ${code}`))));
    });
  }
}

/** A real escalation worker process (the compiled app), for multi-process, kill -9 and restart tests. */
export class WorkerProcess {
  private proc: ChildProcess | null = null;
  output = '';

  private constructor(readonly port: number, private readonly env: Record<string, string>) {}

  static async start(env: Record<string, string>): Promise<WorkerProcess> {
    const w = new WorkerProcess(await freePort(), env);
    await w.spawn();
    return w;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  async spawn(): Promise<void> {
    this.proc = spawn(process.execPath, [WORKER_MAIN], {
      env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...this.env, WORKER_PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout!.on('data', (d) => (this.output += d));
    this.proc.stderr!.on('data', (d) => (this.output += d));
    const proc = this.proc;
    await waitFor(`worker on ${this.port} to be ready`, async () => {
      if (proc.exitCode !== null) throw new Error(`worker exited ${proc.exitCode}: ${this.output}`);
      return (await fetch(`${this.url}/health/live`)).ok;
    }, 20_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${this.output}`);
    });
  }

  /** SIGKILL: no shutdown hook runs, jobs in hand stay locked until their lock expires. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: graceful shutdown. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  async restart(): Promise<void> {
    await this.spawn();
  }

  async ready(): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.url}/health/ready`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.url}/metrics`)).text();
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(sig);
    });
  }
}
