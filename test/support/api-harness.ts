import type { AddressInfo } from 'node:net';
import { JwtService } from '@nestjs/jwt';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Department, Role } from '@cgi/shared';
import { Client } from 'pg';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { createApp } from '../../apps/api/src/app.factory';
import { validateEnv, type Env } from '../../apps/api/src/config/env';
import { createTestDatabase } from './database';

export type TestIdentity =
  | 'operator'
  | 'supervisor'
  | 'viewer'
  | 'admin'
  | 'fireAgent'
  | 'fireSupervisor'
  | 'civilProtectionAgent'
  | 'policeAgent'
  | 'mobilityAgent'
  | 'environmentAgent';

export const IDENTITIES: Record<TestIdentity, { role: Role; department: Department | null }> = {
  operator: { role: 'CGI_OPERATOR', department: null },
  supervisor: { role: 'CGI_SUPERVISOR', department: null },
  viewer: { role: 'VIEWER', department: null },
  admin: { role: 'ADMIN', department: null },
  fireAgent: { role: 'DEPARTMENT_AGENT', department: 'FIRE' },
  fireSupervisor: { role: 'DEPARTMENT_SUPERVISOR', department: 'FIRE' },
  civilProtectionAgent: { role: 'DEPARTMENT_AGENT', department: 'CIVIL_PROTECTION' },
  policeAgent: { role: 'DEPARTMENT_AGENT', department: 'POLICE' },
  mobilityAgent: { role: 'DEPARTMENT_AGENT', department: 'MOBILITY' },
  environmentAgent: { role: 'DEPARTMENT_AGENT', department: 'ENVIRONMENT' },
};

export interface ApiHarness {
  app: NestFastifyApplication;
  env: Env;
  http: () => TestAgent;
  /** Authorization header value for a test identity. */
  auth: (who: TestIdentity) => string;
  /** A direct connection to the test database, for assertions on what was (not) stored. */
  db: Client;
  count: (table: string) => Promise<number>;
  close: () => Promise<void>;
}

/** Listens on a free loopback port (for real socket clients and brokers) and answers the base URL. */
export async function listenOnLoopback(app: NestFastifyApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

/** Boots the real AppModule on a fresh database cloned from the migrated template. */
export async function startApi(overrides: Record<string, string> = {}): Promise<ApiHarness> {
  const database = await createTestDatabase();
  const env = validateEnv({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '20',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    // Tests judge behaviour on a loaded machine, not latency: intake's latency budget (ADR 0016) is
    // exercised by intake-bound.spec.ts on its own.
    INTAKE_MAX_WAIT_MS: '10000',
    ...overrides,
  });
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const hash = process.env.TEST_PASSWORD_HASH!;
  for (const [username, { role, department }] of Object.entries(IDENTITIES)) {
    await db.query(
      `INSERT INTO users (username, display_name, password_hash, role, department) VALUES ($1, $1, $2, $3, $4)`,
      [username, hash, role, department],
    );
  }
  const users = await db.query<{ id: string; username: TestIdentity }>(`SELECT id, username FROM users`);
  const app = await createApp(env, { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const jwt = app.get(JwtService);
  const tokens = new Map<TestIdentity, string>();
  for (const u of users.rows) {
    const { role, department } = IDENTITIES[u.username];
    tokens.set(u.username, jwt.sign({ sub: u.id, username: u.username, role, department }));
  }
  return {
    app,
    env,
    http: () => request(app.getHttpServer()),
    auth: (who) => `Bearer ${tokens.get(who)}`,
    db,
    count: async (table) => Number((await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n),
    close: async () => {
      await app.close();
      await db.end();
      await database.drop();
    },
  };
}

/** Real Porto points (INE addresses in data/porto). */
export const PLACES = {
  santaCatarina: { lat: 41.1496, lon: -8.6063, address: 'Rua de Santa Catarina' },
  campanha: { lat: 41.1487, lon: -8.5853, address: 'Estação de Campanhã' },
  paranhos: { lat: 41.1779, lon: -8.6044, address: 'Rua de Costa Cabral' },
  /** Matosinhos, just north of Porto: outside the municipality, inside the service area. */
  matosinhos: { lat: 41.1844, lon: -8.6963, address: 'Matosinhos' },
  /** The Atlantic, 60 km west of Foz. */
  atlantic: { lat: 41.15, lon: -9.4, address: null },
} as const;
