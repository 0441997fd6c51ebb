import { Client } from 'pg';

/**
 * The plans of the statements a process runs, as the server ships (ADR 0015). Statements are
 * collected while the real code runs (every query any pg.Client of this process sends, so a
 * statement built in pieces is checked as it is really sent), then each is prepared on a fresh
 * connection with the server's own settings (no `jit = off`) and explained in its generic plan
 * (`plan_cache_mode = force_generic_plan`: the plan a pooled connection settles on after five
 * executions). A plan fails when it would be JIT-compiled, when its estimated cost is above the
 * server's default `jit_above_cost` (whatever this server is set to), or when it scans a table
 * that grows with the occurrences sequentially.
 */

/** Tables that grow with the occurrences: never scanned whole on a hot path. */
export const GROWING_TABLES = [
  'occurrences',
  'occurrence_events',
  'occurrence_assignments',
  'escalation_deadlines',
  'reporter_contacts',
  'notifications',
  'open311_requests',
  'callback_deliveries',
  'status_page_tokens',
  'operational_level_proposals',
  'security_audit_log',
  'refresh_tokens',
  // Assets (issue 15): the registry is a few hundred rows; its status history and fault links grow.
  'asset_status_history',
  'asset_occurrences',
] as const;

export interface StatementCapture {
  /** Distinct data statements sent since the capture started, in first-seen order. */
  statements(): string[];
  stop(): void;
}

const DATA_STATEMENT = /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b/i;

/**
 * Records the text of every data statement this process's pg clients send, until `stop()`; not
 * those of the `except` clients (the test's own).
 */
export function captureStatements(except: Client[] = []): StatementCapture {
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const seen = new Set<string>();
  proto.query = function (this: unknown, ...args: unknown[]): unknown {
    const config = args[0];
    const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
    if (typeof text === 'string' && DATA_STATEMENT.test(text) && !except.includes(this as Client)) seen.add(text);
    return original.apply(this, args);
  };
  return {
    statements: () => [...seen],
    stop: () => {
      proto.query = original;
    },
  };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Total Cost': number;
  Plans?: PlanNode[];
}

export interface PlanProblem {
  statement: string;
  problem: string;
}

function seqScans(node: PlanNode, out: string[] = []): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) out.push(node['Relation Name']);
  for (const child of node.Plans ?? []) seqScans(child, out);
  return out;
}

const highestParameter = (sql: string): number => Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));

/**
 * Explains each statement's generic plan on a connection with the server's stock settings and
 * answers what is wrong with them (nothing: an empty list).
 */
export async function planProblems(databaseUrl: string, statements: string[]): Promise<PlanProblem[]> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  const problems: PlanProblem[] = [];
  try {
    const { rows } = await c.query<{ jit: string; boot: string }>(
      `SELECT current_setting('jit') AS jit, (SELECT boot_val FROM pg_settings WHERE name = 'jit_above_cost') AS boot`,
    );
    const jitLimit = Number(rows[0].boot);
    for (const statement of statements) {
      const n = highestParameter(statement);
      const args = n > 0 ? `(${Array.from({ length: n }, () => 'NULL').join(', ')})` : '';
      await c.query('BEGIN');
      try {
        await c.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
        await c.query(`PREPARE plan_check AS ${statement}`);
        const explained = await c.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode; JIT?: unknown }> }>(
          `EXPLAIN (FORMAT JSON) EXECUTE plan_check${args}`,
        );
        const [{ Plan: plan, JIT: jit }] = explained.rows[0]['QUERY PLAN'];
        if (jit) problems.push({ statement, problem: `JIT-compiled (cost ${plan['Total Cost']})` });
        if (plan['Total Cost'] > jitLimit) {
          problems.push({ statement, problem: `generic plan costs ${plan['Total Cost']}, above the default jit_above_cost ${jitLimit}` });
        }
        for (const table of seqScans(plan)) {
          if ((GROWING_TABLES as readonly string[]).includes(table)) problems.push({ statement, problem: `Seq Scan on ${table}` });
        }
      } catch (err) {
        problems.push({ statement, problem: `could not be explained: ${(err as Error).message}` });
      } finally {
        await c.query('ROLLBACK');
        await c.query('DEALLOCATE ALL');
      }
    }
  } finally {
    await c.end();
  }
  return problems;
}

/**
 * Rows enough in the growing tables for the planner to plan as in production (tens of thousands
 * of past occurrences with their events, assignments and deadlines), analyzed as autovacuum would.
 */
export async function seedHistory(db: Client, occurrences = 20000): Promise<void> {
  await db.query(
    `INSERT INTO occurrences (reference, category, priority, status, source, location, description, lead_department,
                              rule_set_version, routing, created_at, updated_at, parish_code, idempotency_key)
     SELECT 'SEED/' || g, (ARRAY['FALLEN_TREE','ROAD_DAMAGE','FLOODING','FIRE_BUILDING'])[1 + g % 4], 'P3',
            (ARRAY['CLOSED','CLOSED','CLOSED','RESOLVED','CANCELLED','DISPATCHED'])[1 + g % 6], 'OPERATOR',
            ST_SetSRID(ST_MakePoint(-8.66 + (g % 200) * 0.0004, 41.14 + (g / 200 % 100) * 0.0004), 4326)::geography,
            'histórico', 'CIVIL_PROTECTION', (SELECT min(version) FROM rule_sets), '{}'::jsonb,
            now() - interval '1 day' - make_interval(mins => g * 10), now() - interval '1 day' - make_interval(mins => g * 10), NULL,
            CASE WHEN g % 2 = 0 THEN 'user:seed:' || g END
       FROM generate_series(1, $1::int) g`,
    [occurrences],
  );
  await db.query(
    `INSERT INTO occurrence_assignments (occurrence_id, department, role, state, assigned_at, released_at)
     SELECT id, 'CIVIL_PROTECTION', 'LEAD', 'RELEASED', created_at, created_at + interval '2 hours'
       FROM occurrences WHERE reference LIKE 'SEED/%'`,
  );
  await db.query(
    `INSERT INTO escalation_deadlines (occurrence_id, department, kind, level, due_at, cancelled_at, outcome)
     SELECT id, 'CIVIL_PROTECTION', k.kind, 'L1', created_at + interval '10 minutes', created_at + interval '5 minutes', 'MET'
       FROM occurrences, (VALUES ('ACKNOWLEDGE'), ('ON_SCENE'), ('RESOLVE')) k(kind) WHERE reference LIKE 'SEED/%'`,
  );
  await db.query(
    `INSERT INTO occurrence_events (occurrence_id, type, actor, departments, payload)
     SELECT id, t.type, 'seed', '{CIVIL_PROTECTION}', '{}'::jsonb
       FROM occurrences, (VALUES ('OCCURRENCE_CREATED'), ('DISPATCHED'), ('RESOLVED'), ('CLOSED')) t(type)
      WHERE reference LIKE 'SEED/%'`,
  );
  await db.query(
    `INSERT INTO notifications (occurrence_id, deadline_id, level, recipient_kind, recipient_department, channel, status, message, created_at, delivered_at)
     SELECT occurrence_id, id, 'L1', 'DEPARTMENT', department, 'IN_APP', 'DELIVERED', 'histórico', due_at, due_at
       FROM escalation_deadlines WHERE id % 10 = 0`,
  );
  await db.query(
    `INSERT INTO operational_level_proposals (scope, level, occurrence_count, window_minutes, proposed_at)
     SELECT (SELECT code FROM parishes ORDER BY code OFFSET g % 7 LIMIT 1), 'ALERT', 5, 60, now() - interval '1 day' - make_interval(hours => g)
       FROM generate_series(1, $1::int / 20) g`,
    [occurrences],
  );
  // A quarter came through Open311 from one client with a callback webhook; their callbacks were delivered.
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO api_keys (client_name, prefix, key_hash, scopes, created_by)
     VALUES ('seed', 'seed' || md5(random()::text), 'x', '{occurrences:create}', 'seed') RETURNING id`,
  );
  const key = rows[0].id;
  await db.query(`INSERT INTO callback_webhooks (api_key_id, url, secret) VALUES ($1, 'https://seed.invalid/cb', 'x')`, [key]);
  await db.query(
    `INSERT INTO open311_requests (occurrence_id, api_key_id, created_at)
     SELECT id, $1, created_at FROM occurrences WHERE reference LIKE 'SEED/%' AND substr(reference, 6)::int % 4 = 0`,
    [key],
  );
  await db.query(
    `INSERT INTO callback_deliveries (occurrence_id, api_key_id, seq, event_tx_id, event_seq, status, body, delivered_at)
     SELECT r.occurrence_id, r.api_key_id, 1, e.tx_id, e.seq, 'open', '{}', r.created_at + interval '1 minute'
       FROM open311_requests r
       JOIN LATERAL (SELECT tx_id, seq FROM occurrence_events WHERE occurrence_id = r.occurrence_id ORDER BY seq LIMIT 1) e ON true`,
  );
  // The log's consumers have long passed the history.
  await db.query(
    `INSERT INTO event_consumers (name, tx_id, seq)
     SELECT c.name, e.tx_id, e.seq FROM (VALUES ('live-feed'), ('outbox-relay'), ('open311-callbacks')) c(name),
            (SELECT tx_id, seq FROM occurrence_events ORDER BY tx_id DESC, seq DESC LIMIT 1) e
     ON CONFLICT (name) DO UPDATE SET tx_id = excluded.tx_id, seq = excluded.seq`,
  );
  // Autovacuum analyzes what grows; the small reference tables (parishes, rule sets, levels)
  // never reach its threshold and keep the planner's defaults, as in production: left as they are.
  await db.query(`ANALYZE ${GROWING_TABLES.join(', ')}, api_keys, callback_webhooks`);
}
