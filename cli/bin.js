#!/usr/bin/env node
// The `onboarding` command (package.json `bin`). The CLI is TypeScript, run through tsx as the rest of
// the project is: no build step.
require('tsx/cjs/api').register();
require('./main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
