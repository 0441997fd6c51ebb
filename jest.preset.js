// Shared Jest settings: SWC transpiles TypeScript (with decorator metadata for NestJS),
// and workspace libraries resolve to their sources so tests never need a build first.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true, tsx: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: {
    '^@cgi/shared$': path.join(__dirname, 'libs/shared/src/index.ts'),
    '^@cgi/domain$': path.join(__dirname, 'libs/domain/src/index.ts'),
  },
  // ESM-only packages that CommonJS dependencies require (Node 20 loads them natively; Jest needs them transpiled).
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition)/)'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
};
