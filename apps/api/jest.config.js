module.exports = {
  ...require('../../jest.preset'),
  displayName: 'api',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  globalSetup: '<rootDir>/../../test/support/global-setup.ts',
  globalTeardown: '<rootDir>/../../test/support/global-teardown.ts',
  testTimeout: 30000,
};
