const nx = require('@nx/eslint-plugin');

const FRAMEWORKS = ['@nestjs/*', 'typeorm', 'pg', 'ioredis', 'bullmq', 'socket.io', 'react', 'react-dom', 'leaflet'];

module.exports = [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/coverage', '**/.nx'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:shared', onlyDependOnLibsWithTags: ['type:shared'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:shared'] },
            { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['type:shared', 'type:domain'] },
            { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['type:shared', 'type:domain'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:shared', 'type:domain'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests may reach across projects (a harness boots the real app); shipped code may not.
    files: ['**/*.spec.ts', '**/*.spec.tsx', 'test/**/*.ts', 'apps/*/test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Shared and domain libs are plain TypeScript: no framework, ORM or I/O client.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: FRAMEWORKS, message: 'libs stay free of frameworks and I/O' }] }],
    },
  },
];
