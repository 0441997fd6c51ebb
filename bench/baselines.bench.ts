/**
 * The machine's raw baselines, measured in the same run as the project's benchmarks:
 * pgbench TPC-B, single-row inserts, redis-benchmark SET/GET.
 */
import { prepareTpcb, redisBenchmark, singleRowInserts, tpcb } from './lib/pgbench';
import { machineHeader, writeSection } from './lib/report';
import { fmt, median } from './lib/stats';

async function main(): Promise<void> {
  await prepareTpcb();
  const rounds: number[] = [];
  for (let i = 0; i < 3; i++) rounds.push(await tpcb(15));
  const inserts = await singleRowInserts(15);
  const redis = await redisBenchmark();
  writeSection('baselines', [
    '## Machine baselines',
    '',
    await machineHeader(),
    '',
    '| baseline | result |',
    '|---|---|',
    `| pgbench TPC-B, scale 10, 8 clients, 3 × 15 s | median ${fmt(median(rounds), 0)} tps (rounds ${rounds.map((r) => fmt(r, 0)).join(', ')}) |`,
    `| pgbench single-row INSERT per transaction, 8 clients, 15 s | ${fmt(inserts, 0)} tps |`,
    `| redis-benchmark SET / GET, 50 clients | ${fmt(redis.set, 0)} / ${fmt(redis.get, 0)} requests/s |`,
  ].join('\n'));
  console.log(`pgbench TPC-B ${rounds.map((r) => fmt(r, 0)).join(', ')} tps; inserts ${fmt(inserts, 0)} tps; redis SET ${fmt(redis.set, 0)}/s`);
}

main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
