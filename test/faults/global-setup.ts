import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { WORKER_MAIN } from '../../apps/escalation-worker/test/support/worker-process';
import { API_MAIN, REPO } from './support/fault-cluster';

/** The built API and worker the test spawns: `nx test faults` builds them first; a bare `jest` run builds when absent (or FAULTS_REBUILD=1). */
export default async function globalSetup(): Promise<void> {
  if (existsSync(API_MAIN) && existsSync(WORKER_MAIN) && process.env.FAULTS_REBUILD !== '1') return;
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '--projects=api,escalation-worker', '--outputStyle=static'], {
    cwd: REPO,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
}
