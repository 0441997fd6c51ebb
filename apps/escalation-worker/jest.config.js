module.exports = {
  ...require('../../jest.preset'),
  displayName: 'escalation-worker',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/../../test/support/global-teardown.ts',
  testTimeout: 30000,
  // The multi-process tests spawn workers and their own redis-server: one file at a time.
  maxWorkers: 1,
  // Spawned workers and private redis-servers are stopped by each file's afterAll; a client
  // socket left half-closed by a `kill -9` must not keep a green run from exiting (CI has a
  // time limit, not a watcher).
  forceExit: true,
};
