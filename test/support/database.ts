import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Test databases. Each Jest run migrates its own template (`cgi_tpl_<time>_<pid>`, named in
 * TEST_TEMPLATE_DB by the global setup) and every test file clones it
 * (`CREATE DATABASE … TEMPLATE …`), so test files and concurrent runs never share state.
 * Names carry their creation time so leftovers of killed runs can be told from live ones.
 */
const PREFIXES = ['cgi_test_', 'cgi_tpl_'];
const STALE_AFTER_MS = 2 * 60 * 60 * 1000;

export function serverUrl(database = 'postgres'): string {
  const base = new URL(process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/${database}`;
  return base.toString();
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const stamp = (): string => Date.now().toString(36);

export function newTemplateName(): string {
  return `cgi_tpl_${stamp()}_${process.pid}`;
}

export function templateName(): string {
  const name = process.env.TEST_TEMPLATE_DB;
  if (!name) throw new Error('TEST_TEMPLATE_DB is not set: run the tests through their Jest config (global setup)');
  return name;
}

/** A fresh database cloned from this run's migrated template. */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `cgi_test_${stamp()}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${templateName()}`);
  return {
    name,
    url: serverUrl(name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Drops test databases and templates left by runs killed more than two hours ago. */
export async function dropStaleTestDatabases(): Promise<void> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database`);
    for (const { datname } of rows) {
      const prefix = PREFIXES.find((p) => datname.startsWith(p));
      if (!prefix) continue;
      const created = parseInt(datname.slice(prefix.length).split('_')[0], 36);
      const age = Date.now() - created;
      // Names of another shape (no time in them) are leftovers too.
      if (Number.isFinite(age) && age >= 0 && age < STALE_AFTER_MS) continue;
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
