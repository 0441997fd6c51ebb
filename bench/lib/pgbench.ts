import { admin } from './stack';
import { run } from './shell';

const HOST = ['-h', '127.0.0.1', '-U', 'postgres'];

/** pgbench's TPC-B-like transaction (scale 10, 8 clients): the machine's database baseline, in tps. */
export async function prepareTpcb(): Promise<void> {
  await admin('DROP DATABASE IF EXISTS cgi_bench_pgbench WITH (FORCE)');
  await admin('CREATE DATABASE cgi_bench_pgbench');
  await run('pgbench', [...HOST, '-i', '-s', '10', '-q', 'cgi_bench_pgbench']);
}

export async function tpcb(seconds: number): Promise<number> {
  const out = await run('pgbench', [...HOST, '-c', '8', '-j', '2', '-n', '-T', String(seconds), 'cgi_bench_pgbench']);
  const m = /tps = ([\d.]+)/.exec(out);
  if (!m) throw new Error(`unexpected pgbench output: ${out}`);
  return Number(m[1]);
}

/** Single-row inserts (one INSERT per transaction, 8 clients), in tps. */
export async function singleRowInserts(seconds: number): Promise<number> {
  await admin('DROP TABLE IF EXISTS bench_insert');
  const { writeFileSync } = await import('node:fs');
  const script = '/tmp/cgi-bench-insert.sql';
  writeFileSync(script, "INSERT INTO bench_insert (payload) VALUES ('{\"k\": 1}');\n");
  await run('psql', [...HOST, '-d', 'cgi_bench_pgbench', '-qc', 'DROP TABLE IF EXISTS bench_insert; CREATE TABLE bench_insert (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), payload jsonb)']);
  const out = await run('pgbench', [...HOST, '-c', '8', '-j', '2', '-n', '-T', String(seconds), '-f', script, 'cgi_bench_pgbench']);
  return Number(/tps = ([\d.]+)/.exec(out)?.[1]);
}

/** redis-benchmark SET and GET, requests per second. */
export async function redisBenchmark(): Promise<{ set: number; get: number }> {
  const out = await run('redis-benchmark', ['-h', '127.0.0.1', '-q', '-n', '100000', '-c', '50', '-t', 'set,get']);
  const get = (name: string): number => Number(new RegExp(`${name}: ([\\d.]+) requests per second`).exec(out)?.[1]);
  return { set: get('SET'), get: get('GET') };
}
