/**
 * The real stack for browser tests and the console benchmark: a fresh PostgreSQL database
 * (migrated + reference data), test users, and the built API process (`node apps/api/dist/main.js`)
 * serving the built console on a free port, with the live feed on the same origin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as argon2 from 'argon2';
import { Client } from 'pg';

export const ROOT = join(__dirname, '..', '..', '..');
export const PASSWORD = 'e2e-password-not-secret';
const PG_SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const USERS = {
  operator: { role: 'CGI_OPERATOR', department: null },
  supervisor: { role: 'CGI_SUPERVISOR', department: null },
  videowall: { role: 'VIEWER', department: null },
  cp_agent: { role: 'DEPARTMENT_AGENT', department: 'CIVIL_PROTECTION' },
  env_agent: { role: 'DEPARTMENT_AGENT', department: 'ENVIRONMENT' },
  fire_agent: { role: 'DEPARTMENT_AGENT', department: 'FIRE' },
  fire_supervisor: { role: 'DEPARTMENT_SUPERVISOR', department: 'FIRE' },
  mobility_agent: { role: 'DEPARTMENT_AGENT', department: 'MOBILITY' },
  admin: { role: 'ADMIN', department: null },
} as const;
export type StackUser = keyof typeof USERS;

export interface Stack {
  baseUrl: string;
  databaseUrl: string;
  db: Client;
  /** A REST call as a user (login once, cached). */
  api: <T>(user: StackUser, method: string, path: string, body?: unknown) => Promise<T>;
  stop: () => Promise<void>;
}

function dbUrl(name: string): string {
  const u = new URL(PG_SERVER);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: PG_SERVER });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  for (const f of ['apps/api/dist/main.js', 'apps/console/dist/index.html']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: build first (npx nx run-many -t build -p api console)`);
  }
  const name = `cgi_e2e_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const databaseUrl = dbUrl(name);
  const { migrate } = require(join(ROOT, 'apps/api/dist/database/migrate.js')) as { migrate: (url: string) => Promise<void> };
  await migrate(databaseUrl);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const hash = await argon2.hash(PASSWORD);
  for (const [username, u] of Object.entries(USERS)) {
    await db.query(`INSERT INTO users (username, display_name, password_hash, role, department) VALUES ($1, $2, $3, $4, $5)`, [
      username,
      username.replace('_', ' '),
      hash,
      u.role,
      u.department,
    ]);
  }
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'apps/api/dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456',
      LOG_LEVEL: 'warn',
      CONSOLE_TILE_URL: 'none',
      RETENTION_JOB_CRON: 'off',
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      // Tests judge behaviour on a loaded machine, not latency: intake's latency budget (ADR 0016) is
      // exercised by intake-bound.spec.ts on its own.
      INTAKE_MAX_WAIT_MS: '10000',
      RATE_LIMIT_LOGIN_IP_PER_MINUTE: '10000',
      RATE_LIMIT_PUBLIC_IP_PER_MINUTE: '100000',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The API's log goes to a file beside the screenshots (printed when start-up fails).
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  const log = createWriteStream(join(ROOT, 'test-results', `api-${name}.log`));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await db.end().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  };
  try {
    await waitReady(baseUrl, child);
  } catch (e) {
    await stop();
    throw e;
  }
  const tokens = new Map<StackUser, string>();
  const api = async <T>(user: StackUser, method: string, path: string, body?: unknown): Promise<T> => {
    if (!tokens.has(user)) {
      const r = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: PASSWORD }) });
      if (!r.ok) throw new Error(`login ${user}: ${r.status} ${await r.text()}`);
      tokens.set(user, ((await r.json()) as { accessToken: string }).accessToken);
    }
    const r = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.get(user)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path} as ${user}: ${r.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  return { baseUrl, databaseUrl, db, api, stop };
}

async function waitReady(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode} during start-up`);
    try {
      const r = await fetch(`${baseUrl}/health/ready`);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the API was not ready within 60 s');
}
