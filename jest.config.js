/** Tests run against real services: one Postgres and one Temporal dev server for the whole run
 * (test/global-setup.ts). Two projects share them:
 * - fast: the API through app.inject (a database of its own per file, no worker) and the domain
 *   rules; `npm run test:fast` runs it alone;
 * - stack: per test file its own database, SMTP server, worker and API on a port.
 * Logs go to .data/test-logs/<run>/ (test/support/test-logs.ts), not the console. */

// Every dependency that test code reaches is CommonJS (the versions are chosen for Node 20, see
// package.json `overrides`), so node_modules is left alone and swc compiles only our TypeScript.
const fastTier = ['<rootDir>/test/fast/**/*.test.ts', '<rootDir>/test/domain/**/*.test.ts', '<rootDir>/test/api/fuzz.test.ts', '<rootDir>/test/api/backend-down.test.ts'];

const common = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    '^.+\\.m?js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  },
};

module.exports = {
  projects: [
    // PostgreSQL and Temporal only (no workflow bundle, no Prism) when the run has no stack file.
    { ...common, displayName: 'fast', testMatch: fastTier, globalSetup: '<rootDir>/test/global-setup-fast.ts' },
    {
      ...common,
      displayName: 'stack',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/fast/', '<rootDir>/test/domain/', '<rootDir>/test/api/fuzz\\.test\\.ts$', '<rootDir>/test/api/backend-down\\.test\\.ts$'],
      // The Temporal SDK's logs of each file into its log folder.
      setupFilesAfterEnv: ['<rootDir>/test/support/worker-logs.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
  ],
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // The longest files first (fault tests), so the workers finish together.
  testSequencer: '<rootDir>/test/support/slow-first-sequencer.js',
  // The reporter names the log folder of a failing file's logs.
  reporters: ['default', '<rootDir>/test/support/log-reporter.js'],
  testTimeout: 90_000,
  maxWorkers: 2,
};
