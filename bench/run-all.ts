/**
 * npm run bench: every benchmark of the project, one after the other on this machine, each
 * rewriting its own section of docs/benchmarks.md beside the baselines measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts)
  .filter((s) => s.startsWith('bench:'));
const order = ['bench:baselines', 'bench:intake', ...scripts.filter((s) => s !== 'bench:baselines' && s !== 'bench:intake').sort()];
const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
if (build.status !== 0) process.exit(build.status ?? 1);
const failed: string[] = [];
for (const s of order.filter((o) => scripts.includes(o))) {
  console.log(`\n=== ${s}`);
  const r = spawnSync('npm', ['run', '-s', s], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) failed.push(s);
}
console.log(failed.length ? `\nfailed: ${failed.join(', ')}` : '\nall benchmarks done: docs/benchmarks.md');
process.exit(failed.length ? 1 : 0);
