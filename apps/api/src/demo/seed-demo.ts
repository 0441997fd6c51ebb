import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import * as argon2 from 'argon2';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Department } from '@cgi/shared';
import { AppModule } from '../app.module';
import type { Actor } from '../auth/actor';
import { validateEnv } from '../config/env';
import { repoRoot } from '../database/repo-root';
import { OccurrenceCommandsService } from '../occurrences/occurrence-commands.service';
import { OccurrenceIntakeService } from '../occurrences/occurrence-intake.service';
import { AssetImportService } from '../assets/asset-import.service';
import { AssetStatusService } from '../assets/asset-status.service';
import { UnitDispatchService } from '../units/unit-dispatch.service';
import { DEMO_SCENARIOS, DEMO_USERS, loadAddresses } from './demo-data';
import { seedDemoAssets } from './demo-assets';
import { seedDemoFleet } from './demo-fleet';

/** 96 random bits, readable in groups of four. */
function generatePassword(): string {
  return randomBytes(12).toString('base64url').match(/.{4}/g)!.join('-');
}

/**
 * Demo data for `npm start`: one user per role with a generated password (written once to
 * var/demo-credentials.txt and printed), the demo fleet (synthetic units, added when missing),
 * the demo asset registry (synthetic, added when missing, a few in FAULT with their occurrence)
 * and realistic occurrences at real Porto addresses, created through the real intake, lifecycle
 * and units services so their events, deadlines and unit assignments are real.
 */
export async function seedDemo(): Promise<string> {
  const env = validateEnv(process.env);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(env), { logger: ['error', 'warn'] });
  try {
    const ds = app.get<DataSource>(getDataSourceToken());
    const credentialsFile = join(repoRoot(), 'var', 'demo-credentials.txt');
    const [{ n }]: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM users`);
    if (n === 0) {
      const lines = ['# Demo logins (generated at first start; keep private)', ''];
      for (const u of DEMO_USERS) {
        const password = generatePassword();
        await ds.query(`INSERT INTO users (username, display_name, password_hash, role, department) VALUES ($1, $2, $3, $4, $5)`, [
          u.username, u.displayName, await argon2.hash(password), u.role, u.department,
        ]);
        lines.push(`${u.username.padEnd(22)} ${password.padEnd(32)} ${u.role}${u.department ? ` (${u.department})` : ''}`);
      }
      mkdirSync(join(repoRoot(), 'var'), { recursive: true });
      writeFileSync(credentialsFile, `${lines.join('\n')}\n`);
      chmodSync(credentialsFile, 0o600);
    }
    await seedDemoFleet(ds, loadAddresses());
    const [{ m }]: Array<{ m: number }> = await ds.query(`SELECT count(*)::int AS m FROM occurrences`);
    if (m === 0) await seedOccurrences(app.get(OccurrenceIntakeService), app.get(OccurrenceCommandsService), app.get(UnitDispatchService), ds);
    // The registry (issue 15) after the occurrences: its demo faults open occurrences of their own.
    const [admin]: Array<{ id: string; username: string }> = await ds.query(`SELECT id, username FROM users WHERE role = 'ADMIN' ORDER BY created_at LIMIT 1`);
    if (admin) {
      await seedDemoAssets(ds, app.get(AssetImportService), app.get(AssetStatusService), loadAddresses(), { id: admin.id, username: admin.username, role: 'ADMIN', department: null });
    }
    return existsSync(credentialsFile) ? readFileSync(credentialsFile, 'utf8') : '(demo users exist; credentials file not found)\n';
  } finally {
    await app.close();
  }
}

async function seedOccurrences(intake: OccurrenceIntakeService, commands: OccurrenceCommandsService, units: UnitDispatchService, ds: DataSource): Promise<void> {
  const users: Array<{ id: string; username: string; role: Actor['role']; department: Department | null }> = await ds.query(`SELECT id, username, role, department FROM users`);
  const operator = users.find((u) => u.role === 'CGI_OPERATOR')!;
  const asActor = (u: (typeof users)[number]): Actor => ({ id: u.id, username: u.username, role: u.role, department: u.department });
  const op = asActor(operator);
  const addresses = loadAddresses();
  // Spread over the 7 parishes: take addresses round-robin by parish.
  const byParish = new Map<string, typeof addresses>();
  for (const a of addresses) byParish.set(a.parishCode, [...(byParish.get(a.parishCode) ?? []), a]);
  const parishes = [...byParish.keys()].sort();
  for (const [i, s] of DEMO_SCENARIOS.entries()) {
    const list = byParish.get(parishes[i % parishes.length])!;
    const a = list[Math.floor(i / parishes.length) % list.length];
    const { occurrence } = await intake.intake(
      {
        category: s.category,
        source: s.source,
        description: s.description,
        flags: s.flags,
        location: { lat: a.lat, lon: a.lon, address: `${a.street} ${a.house}, Porto` },
      },
      op,
    );
    const id = occurrence.id;
    const steps = ['DISPATCHED', 'ACKNOWLEDGED', 'ON_SCENE', 'RESOLVED', 'CLOSED'];
    const target = steps.indexOf(s.progress);
    if (target < 0) continue;
    if (occurrence.status === 'NEW') {
      await commands.triage(id, op, {});
      await commands.dispatch(id, op);
    }
    const fresh: Array<{ lead_department: Department }> = await ds.query(`SELECT lead_department FROM occurrences WHERE id = $1`, [id]);
    const lead = fresh[0].lead_department;
    const agent = users.find((u) => u.role === 'DEPARTMENT_AGENT' && u.department === lead);
    if (!agent) continue;
    const leadActor = asActor(agent);
    // The lead's nearest available unit goes out with it (and is released when it is resolved).
    const [nearest] = await units.proposals(id, leadActor, { limit: 1 });
    const unitOut = nearest ? (await units.assign(id, leadActor, { unitIds: [nearest.unit.id] }))[0] : undefined;
    if (target >= 1) await commands.acknowledge(id, leadActor, lead);
    if (unitOut && target >= 2) await units.confirmOnScene(id, unitOut.id, leadActor);
    else if (target >= 2) await commands.onScene(id, leadActor, lead);
    if (target >= 3) await commands.resolve(id, leadActor, lead, 'Situação resolvida no local.', 'A situação foi resolvida. Obrigado pela participação.');
    if (target >= 4) await commands.close(id, op, 'Encerrada pelo CGI.');
  }
}

if (require.main === module) {
  seedDemo()
    .then((credentials) => process.stdout.write(credentials))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
