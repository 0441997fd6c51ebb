// The fault test (issue 21, point 7): two API nodes and two workers, built, on a PostgreSQL cluster
// and a redis-server of the test's own; one file, one at a time, with its own long timeout.
module.exports = {
  ...require('../../jest.preset'),
  displayName: 'faults',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.spec.ts'],
  globalSetup: '<rootDir>/global-setup.ts',
  testTimeout: 180000,
  maxWorkers: 1,
  // A socket left half-closed by a kill -9 must not keep a green run from exiting.
  forceExit: true,
};
