import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { DataSource } from 'typeorm';
import { SecurityAuditService } from '../audit/security-audit.service';
import type { Actor } from '../auth/actor';
import { validateEnv } from '../config/env';
import { dataSourceOptions } from '../database/data-source-options';
import { DomainException } from '../common/domain.exception';
import { AssetImportService, type AssetImportFormat } from './asset-import.service';

/**
 * `npm run assets:import -- <file.geojson|file.csv> [--dry-run]`: the ADMIN endpoint's import from
 * the command line, with the same validation and transaction (all or nothing). Prints the counts,
 * or every bad `rows[N].field` and exits 1. Audited as the CLI.
 */
export async function importAssetsCli(
  argv: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  vars: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const dryRun = argv.includes('--dry-run');
  const files = argv.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) {
    out('usage: npm run assets:import -- <file.geojson|file.json|file.csv> [--dry-run]');
    return 2;
  }
  const file = files[0];
  const format: AssetImportFormat = extname(file).toLowerCase() === '.csv' ? 'csv' : 'geojson';
  const text = readFileSync(file, 'utf8');
  let body: unknown = text;
  if (format === 'geojson') {
    try {
      body = JSON.parse(text) as unknown;
    } catch (err) {
      out(`${file}: not valid JSON (${(err as Error).message})`);
      return 1;
    }
  }
  // The CLI signs no token: a throwaway secret satisfies the API's configuration when none is set.
  const env = validateEnv({ JWT_SECRET: randomBytes(32).toString('hex'), ...vars });
  const ds = new DataSource(dataSourceOptions(env.DATABASE_URL, 2));
  await ds.initialize();
  try {
    const imports = new AssetImportService(ds, env, new SecurityAuditService(ds));
    const actor: Actor = { id: 'cli', username: 'cli', role: 'ADMIN', department: null };
    const result = await imports.import(format, body, actor, dryRun);
    out(`${dryRun ? 'dry run (nothing stored): ' : ''}${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`);
    return 0;
  } catch (err) {
    if (err instanceof DomainException && err.fields?.length) {
      out(`${err.message}`);
      for (const f of err.fields) out(`  ${f.field}: ${f.message}`);
      return 1;
    }
    throw err;
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  importAssetsCli(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
