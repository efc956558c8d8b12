/** Tests run against real services: one Postgres and one Temporal dev server for the whole run
 * (test/global-setup.ts), and per test file its own database, SMTP server, worker and API. */

// ESM-only packages that test code reaches: Jest on Node 20 cannot require() ES modules, so swc
// compiles these few to CommonJS (everything else in node_modules is left alone).
const esmOnly = ['content-disposition'];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    '^.+\\.m?js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Logs go to files (.data/test-logs/<run>/, see test/support/test-logs.ts); the reporter names
  // the folder of a failing file's logs.
  setupFilesAfterEnv: ['<rootDir>/test/support/worker-logs.ts'],
  reporters: ['default', '<rootDir>/test/support/log-reporter.js'],
  testTimeout: 90_000,
  maxWorkers: 2,
  // Real servers, sockets and native workers: a test that fails half-way may leave a handle open;
  // CI must end anyway rather than wait out its time limit.
  forceExit: true,
};
