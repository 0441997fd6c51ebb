import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { run } from './shell';
import { ROOT } from './stack';

const DOC = join(ROOT, 'docs', 'benchmarks.md');

/** Replaces (or appends) the section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`. */
export function writeSection(name: string, markdown: string): void {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const block = `${open}\n${markdown.trim()}\n${close}`;
  const a = doc.indexOf(open);
  const b = doc.indexOf(close);
  const next = a >= 0 && b > a ? doc.slice(0, a) + block + doc.slice(b + close.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, next.endsWith('\n') ? next : `${next}\n`);
}

/** Machine, versions and date: the header of every report. */
export async function machineHeader(): Promise<string> {
  const pg = (await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-Atc', 'SHOW server_version'])).trim();
  const postgis = (await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'template1', '-Atc',
    `SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'`])).trim();
  const redis = (await run('redis-cli', ['INFO', 'server'])).match(/redis_version:(\S+)/)?.[1] ?? '?';
  return [
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'},`,
    `${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.versions.node}, PostgreSQL ${pg} + PostGIS ${postgis}, Redis ${redis}.`,
    'API, worker, PostgreSQL and Redis share the machine. Ratios are to baselines measured in the same run.',
  ].join(' ');
}
