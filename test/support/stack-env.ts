/** What global setup hands every test file (through the TEST_STACK environment variable). */
export interface TestStackEnv {
  postgresAdminUrl: string;
  postgresTemplate: string;
  temporalAddress: string;
  workflowBundlePath: string;
  /** Prism serving Twilio's OpenAPI description; each test file puts its own recorder in front. */
  twilioMockUrl: string;
  tmpDir: string;
}

export function testStackEnv(): TestStackEnv {
  const raw = process.env.TEST_STACK;
  if (!raw) throw new Error('TEST_STACK is not set: run the tests with `npm test` (jest global setup starts the services)');
  return JSON.parse(raw) as TestStackEnv;
}
