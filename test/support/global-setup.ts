import * as argon2 from 'argon2';
import { migrate } from '../../apps/api/src/database/migrate';
import { dropStaleTestDatabases, newTemplateName, serverUrl } from './database';

/**
 * Once per Jest run: migrate this run's template database (migrations + reference data) that
 * every test file clones, and hash the test users' password once. Workers inherit both through
 * the environment.
 */
export default async function globalSetup(): Promise<void> {
  await dropStaleTestDatabases();
  const template = newTemplateName();
  await migrate(serverUrl(template));
  process.env.TEST_TEMPLATE_DB = template;
  process.env.TEST_PASSWORD_HASH = await argon2.hash(TEST_PASSWORD);
}

export const TEST_PASSWORD = 'test-password-not-secret';
