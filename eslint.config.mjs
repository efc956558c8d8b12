// Lint: TypeScript's recommended rules everywhere, and the workflow sandbox's rules for workflows/:
// workflow code must stay deterministic and small, so it imports no Node API, no I/O client and
// no zod (validation happens at the API and in activities; workflows take validated plain data),
// and no function in it runs over 60 lines.
// ESLint sees a file's own imports, as you type; what a workflow reaches through other modules (e.g. a
// domain/ module that uses zod), and the rules between folders and against cycles, are
// dependency-cruiser's (.dependency-cruiser.cjs, .dependency-cruiser.workflows.cjs), also in `npm run lint`.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', 'bench/results/', 'test/artifacts/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    // Failures are raised from the one vocabulary (domain/failures.ts), in one form, so workflows and
    // the API can match on them: ApplicationFailure.create({ type: failureTypes.x, nonRetryable, message }).
    files: ['activities/**/*.ts', 'operations/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        {
          selector: "CallExpression[callee.object.name='ApplicationFailure'][callee.property.name!='create'], NewExpression[callee.name='ApplicationFailure']",
          message: 'Raise failures with ApplicationFailure.create({ type: failureTypes.…, nonRetryable, message }).',
        },
        {
          selector: "CallExpression[callee.object.name='ApplicationFailure'][callee.property.name='create']:not(:has(Property[key.name='type']))",
          message: 'Give the failure a type from failureTypes (domain/failures.ts), so callers can match on it.',
        },
        {
          selector: "CallExpression[callee.object.name='ApplicationFailure'][callee.property.name='create'] Property[key.name='type']:not([value.type='MemberExpression'][value.object.name='failureTypes'])",
          message: 'Failure types come from failureTypes (domain/failures.ts), not string literals: add the type there.',
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      // A workflow reads as its stages, each a short function: a longer one is doing two things.
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
      'no-restricted-imports': ['error', {
        paths: [
          ...nodeBuiltins.map((name) => ({ name, message: 'Workflows are deterministic: do I/O in an activity.' })),
          { name: 'zod', message: 'Workflows take already-validated plain data: validate at the API or in activities.' },
          { name: 'pg', message: 'Database access belongs in activities.' },
          { name: 'nodemailer', message: 'Sending belongs in activities.' },
          { name: 'twilio', message: 'Sending belongs in activities.' },
          { name: '@temporalio/client', message: 'Workflows use @temporalio/workflow only.' },
          { name: '@temporalio/worker', message: 'Workflows use @temporalio/workflow only.' },
          { name: '@temporalio/activity', message: 'Workflows use @temporalio/workflow only.' },
        ],
        patterns: [
          { group: ['node:*'], message: 'Workflows are deterministic: do I/O in an activity.' },
          { group: ['zod/*'], message: 'Workflows take already-validated plain data.' },
          { group: ['../activities/*', '../api/*', '../db/*', '../config/*'], allowTypeImports: true, message: 'Workflows import only types from the rest of the app.' },
        ],
      }],
    },
  },
);
