/** The storage suites, which run on PostgreSQL as well as on SQLite (test/support/backends.ts). */
const STORAGE_SUITES = [
  'bot/storage',
  'web/events',
  'scheduler/commands',
  'scheduler/reminders',
  'scheduler/assessment',
  'scheduler/schedulers',
  'knowledge/faq',
  'dialogs/handoff',
  'db/postgres',
].map((suite) => `<rootDir>/test/${suite}.test.ts`);

const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Type errors are caught by `tsc --noEmit` in `npm test`; skip the slower per-file check here.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'sqlite', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/test/db/postgres'] },
    {
      ...shared,
      displayName: 'postgres',
      testMatch: STORAGE_SUITES,
      // A throwaway cluster for the run, stopped and removed after it.
      globalSetup: '<rootDir>/test/support/pgSetup.ts',
      globalTeardown: '<rootDir>/test/support/pgTeardown.ts',
      setupFiles: ['<rootDir>/test/support/postgresBackend.ts'],
    },
  ],
};
