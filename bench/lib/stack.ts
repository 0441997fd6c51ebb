import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as argon2 from 'argon2';
import { Client } from 'pg';
import { run } from './shell';

export const ROOT = join(__dirname, '..', '..');
const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

export async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: `${SERVER}/postgres` });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh database migrated by the real migration command (needs `npm run build`). */
export async function freshDatabase(name: string): Promise<string> {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  const url = `${SERVER}/${name}`;
  await run('node', [join(ROOT, 'apps/api/dist/database/migrate.js')], { env: { ...process.env, DATABASE_URL: url } });
  return url;
}

export async function createUser(url: string, username: string, role: string, department: string | null): Promise<string> {
  const password = randomBytes(12).toString('base64url');
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO users (username, display_name, password_hash, role, department) VALUES ($1, $1, $2, $3, $4)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash`,
      [username, await argon2.hash(password), role, department],
    );
  } finally {
    await c.end();
  }
  return password;
}

export interface RunningProcess {
  child: ChildProcess;
  stop: () => Promise<void>;
}

export const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0000';

/** Extra node flags for the processes a benchmark starts (BENCH_NODE_ARGS="--cpu-prof" to profile them). */
export const nodeArgs = (): string[] => (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Starts the built API as its own process and waits until /health/ready answers. */
export async function startApi(port: number, databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<RunningProcess> {
  // The flags docs/operations.md runs the API with.
  const child = spawn('node', ['--max-semi-space-size=64', ...nodeArgs(), join(ROOT, 'apps/api/dist/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      JWT_SECRET,
      LOG_LEVEL: 'error',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('API not ready after 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return running(child);
}

/** A started child process, stopped by SIGTERM (resolves once it has exited). */
export function running(child: ChildProcess): RunningProcess {
  return {
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function login(port: number, username: string, password: string): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!r.ok) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { accessToken: string }).accessToken;
}
