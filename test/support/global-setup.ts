import * as argon2 from 'argon2';
import { migrate } from '../../apps/api/src/database/migrate';
import { adminQuery, dropStaleTestDatabases, serverUrl, TEMPLATE_DB } from './database';

/**
 * Once per Jest run: rebuild the template database (migrations + reference data) that every
 * test file clones, and hash the test users' password once.
 */
export default async function globalSetup(): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await migrate(serverUrl(TEMPLATE_DB));
  // Leftovers of runs that were killed before their teardown.
  await dropStaleTestDatabases();
  process.env.TEST_PASSWORD_HASH = await argon2.hash(TEST_PASSWORD);
}

export const TEST_PASSWORD = 'test-password-not-secret';
