// Import rules between the app's folders, checked by `npm run lint` (dependency-cruiser).
// This graph includes type-only imports (tsPreCompilationDeps: true): a folder that must not know
// another must not know its types either, and a cycle made of type imports still ties two modules
// together. The workflow sandbox's run-time rule lives in .dependency-cruiser.workflows.cjs, which
// looks at the graph as it is after compilation (see there why).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-self-contained',
      severity: 'error',
      comment:
        'domain/ is the shared vocabulary and the pure rules: everything may import it, so it imports ' +
        'nothing of the app (no workflows/, activities/, api/, db/, messages/, operations/ …), only ' +
        'other domain/ modules and packages.',
      from: { path: '^domain/' },
      to: { path: '^(activities|api|bench|config|db|messages|operations|scripts|test|worker|workflows)/' },
    },
    {
      name: 'api-not-to-activities',
      severity: 'error',
      comment:
        'The API reaches activities only through workflows (client.workflow.start / signal / update); ' +
        'it never calls, or knows the types of, activity code.',
      from: { path: '^api/' },
      to: { path: '^activities/' },
    },
    {
      name: 'activities-not-to-api',
      severity: 'error',
      comment: 'Activities run in the worker; the HTTP layer is not theirs to import.',
      from: { path: '^activities/' },
      to: { path: '^api/' },
    },
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
