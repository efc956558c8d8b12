/** Tests run against real services: one Postgres and one Temporal dev server for the whole run
 * (test/global-setup.ts), and per test file its own database, SMTP server, worker and API. */

// Every dependency that test code reaches is CommonJS (the versions are chosen for Node 20, see
// package.json `overrides`), so node_modules is left alone and swc compiles only our TypeScript.
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 90_000,
  maxWorkers: 2,
  // Real servers, sockets and native workers: a test that fails half-way may leave a handle open;
  // CI must end anyway rather than wait out its time limit.
  forceExit: true,
};
