// Where a test run's logs go, so a green run prints only Jest's summary: one folder per run,
// .data/test-logs/<run>/ (`latest` links to the newest), with the shared services' logs at its top
// and one folder per test file for what that file starts (worker, API, child processes):
// test/faults/worker-crash.test.ts writes to .data/test-logs/<run>/faults/worker-crash/.
// test/support/log-reporter.js prints the folder of a failing file (same mapping, kept in step).
import fs from 'node:fs';
import path from 'node:path';

export const TEST_LOGS_ROOT = path.join(__dirname, '..', '..', '.data', 'test-logs');
const TEST_ROOT = path.join(__dirname, '..');

/** The run's folder: made by global setup; a test file started some other way writes to `adhoc/`. */
export function runLogDir(): string {
  return process.env.TEST_LOG_DIR ?? path.join(TEST_LOGS_ROOT, 'adhoc');
}

/** The folder of the test file running now. */
export function testLogDir(): string {
  const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;
  const name = testPath ? path.relative(TEST_ROOT, testPath).replace(/\.test\.ts$/, '') : 'outside-tests';
  const dir = path.join(runLogDir(), name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A log file of the running test file's, e.g. testLogPath('worker') → .../faults/worker-crash/worker.log */
export function testLogPath(name: string): string {
  return path.join(testLogDir(), `${name}.log`);
}

/**
 * Appends to a log file of the running test file's. Synchronous appends: nothing stays open
 * after the test file (no handle for Jest to wait on), and a line written as a test fails is there.
 */
export function testLog(name: string): { path(): string; write(line: string): void; append(chunk: string): void } {
  // The folder is made on the first write: a test file that logs nothing gets none.
  let file: string | undefined;
  const path = () => (file ??= testLogPath(name));
  return {
    path,
    write(line) {
      fs.appendFileSync(path(), line.endsWith('\n') ? line : `${line}\n`);
    },
    append(chunk) {
      fs.appendFileSync(path(), chunk);
    },
  };
}

/** A pino destination (anything with `write`) into a log file of the running test file's. */
export function testLogStream(name: string): NodeJS.WritableStream {
  const log = testLog(name);
  return { write: (chunk: string) => (log.write(chunk), true) } as unknown as NodeJS.WritableStream;
}

/**
 * A test's counts (fault tests, fuzzing): into counts.log of the run and of the test file, and on
 * the console too under `npm run chaos`, whose point is to read them.
 */
export function recordCounts(label: string, counts: unknown): void {
  const line = `${label}: ${JSON.stringify(counts)}`;
  testLog('counts').write(line);
  fs.mkdirSync(runLogDir(), { recursive: true });
  fs.appendFileSync(path.join(runLogDir(), 'counts.log'), `${path.relative(runLogDir(), testLogDir())}: ${line}\n`);
  if (process.env.CHAOS === '1') console.log(line);
}
