import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import rootSetup from '../../../test/support/global-setup';
import { WORKER_MAIN } from './support/worker-process';

/** The shared template database, then the compiled worker the multi-process tests spawn. */
export default async function globalSetup(): Promise<void> {
  await rootSetup();
  // `nx test` builds first (dependsOn build); a bare `jest` run builds here.
  if (!existsSync(WORKER_MAIN) || process.env.WORKER_REBUILD === '1') {
    const root = join(__dirname, '../../..');
    execFileSync('npx', ['tsc', '-p', 'apps/escalation-worker/tsconfig.app.json'], { cwd: root, stdio: 'inherit' });
    execFileSync(process.execPath, ['apps/escalation-worker/write-entry.js'], { cwd: root, stdio: 'inherit' });
  }
}
