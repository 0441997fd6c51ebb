import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { parseOpenDataPeriod, PERIOD_FORMATS, type OpenDataPeriod } from '@cgi/domain';
import { ConfigModule } from '../config/config.module';
import { Env } from '../config/env';
import { dataSourceOptions } from '../database/data-source-options';
import { OpenDataRepository } from './open-data.repository';
import { OpenDataService } from './open-data.service';

/** Only what generation needs: no HTTP, no jobs, no relays. */
@Module({
  imports: [
    ConfigModule.forRoot(),
    TypeOrmModule.forRootAsync({ inject: [Env], useFactory: (e: Env) => dataSourceOptions(e.DATABASE_URL, 2) }),
  ],
  providers: [OpenDataRepository, OpenDataService],
})
class OpenDataCliModule {}

/** `--day 2026-12-03` and/or `--month 2026-11` (repeatable) → the periods; an error names the bad argument. */
export function parseArgs(argv: readonly string[]): OpenDataPeriod[] {
  const periods: OpenDataPeriod[] = [];
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1] ?? '';
    if (flag !== '--day' && flag !== '--month') throw new Error(`unknown argument ${flag}: use --day YYYY-MM-DD or --month YYYY-MM`);
    const kind = flag === '--day' ? 'daily' : 'monthly';
    const p = parseOpenDataPeriod(kind, value);
    if (!p) throw new Error(`${flag}: "${value}" is not ${PERIOD_FORMATS[kind]}`);
    periods.push(p);
  }
  if (periods.length === 0) throw new Error('usage: open-data:generate -- --day YYYY-MM-DD | --month YYYY-MM');
  return periods;
}

async function main(): Promise<void> {
  const periods = parseArgs(process.argv.slice(2));
  const app = await NestFactory.createApplicationContext(OpenDataCliModule, { logger: ['error', 'warn', 'log'] });
  try {
    const service = app.get(OpenDataService);
    for (const p of periods) console.log(JSON.stringify(await service.generate(p)));
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
