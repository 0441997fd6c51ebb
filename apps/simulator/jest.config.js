module.exports = {
  ...require('../../jest.preset'),
  displayName: 'simulator',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
