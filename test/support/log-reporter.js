// Jest reporter: the services' and workers' logs are not printed (test/support/test-logs.ts writes
// them under .data/test-logs/<run>/), so a failing test file is followed by the folder of its logs,
// and the run ends with one line naming the run's folder.
const path = require('node:path');

/** Same mapping as test-logs.ts: test/faults/worker-crash.test.ts → <run>/faults/worker-crash/ */
const folderOf = (runDir, rootDir, testPath) => path.join(runDir, path.relative(path.join(rootDir, 'test'), testPath).replace(/\.test\.ts$/, ''));
const shown = (p) => path.relative(process.cwd(), p) || '.';

class LogReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onTestResult(test, result) {
    const runDir = process.env.TEST_LOG_DIR;
    if (!runDir || !(result.numFailingTests > 0 || result.testExecError)) return;
    process.stderr.write(`  Logs of ${shown(test.path)} (worker, API, child processes): ${shown(folderOf(runDir, this.rootDir, test.path))}/\n\n`);
  }

  onRunComplete(_contexts, results) {
    const runDir = process.env.TEST_LOG_DIR;
    if (!runDir) return;
    const failed = results.numFailedTestSuites > 0 || results.numRuntimeErrorTestSuites > 0;
    process.stderr.write(
      failed
        ? `Logs of this run: ${shown(runDir)}/ (temporal-server.log, setup.log; a folder per test file)\n`
        : `Logs: ${shown(runDir)}/\n`,
    );
  }
}

module.exports = LogReporter;
