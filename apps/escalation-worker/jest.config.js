module.exports = {
  ...require('../../jest.preset'),
  displayName: 'escalation-worker',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 30000,
  // The multi-process tests spawn workers and their own redis-server: one file at a time.
  maxWorkers: 1,
};
