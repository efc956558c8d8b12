// The workflow sandbox's rule, checked by `npm run lint` (dependency-cruiser): what the worker bundles
// for workflows/ must be deterministic and small, so no chain of run-time imports that starts in
// workflows/ may reach a Node built-in, an I/O client (pg, nodemailer, twilio) or zod, luxon,
// libphonenumber-js. Run-time dependencies allowed: @temporalio/workflow, @temporalio/common, and
// modules under workflows/ and domain/ that themselves comply (domain/ holds modules that use zod or
// node:crypto; a workflow may use the others).
//
// Type-only imports are fine (`import type { Activities } from '../../activities'` is erased by the
// compiler). dependency-cruiser's `reachable` rules follow every edge of the graph, whatever its
// type (17.x accepts neither dependencyTypesNot nor viaOnly on them), so this rule runs on the graph
// as it is after compilation: tsPreCompilationDeps: false drops the imports TypeScript erases (an
// `import type`, or an import whose names are used only as types), which is what the workflow
// bundler sees. The other import rules, cycles included, are in .dependency-cruiser.cjs, on the
// graph with type-only imports.
const { builtinModules } = require('node:module');

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const nodeBuiltins = `^(node:)?(${builtinModules.map(escape).join('|')})$`;
const ioAndHeavyPackages = '^node_modules/(zod|pg|nodemailer|twilio|libphonenumber-js|luxon)/';
const allowed = ['^workflows/', '^domain/', '^node_modules/@temporalio/(workflow|common)/'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'workflows-reach-no-io',
      severity: 'error',
      comment:
        'A workflow reaches a Node built-in, an I/O client, zod, luxon or libphonenumber-js at run time ' +
        '(possibly through a domain/ module): do that work in an activity, or import only its types.',
      from: { path: '^workflows/' },
      to: { reachable: true, path: [nodeBuiltins, ioAndHeavyPackages] },
    },
    {
      name: 'workflows-reach-only-allowed',
      severity: 'error',
      comment:
        'At run time workflows use only @temporalio/workflow, @temporalio/common, workflows/ and ' +
        'domain/; anything else of the app (activities/, api/, db/, messages/ …) or another package ' +
        'is imported as a type or not at all.',
      from: { path: '^workflows/' },
      to: { reachable: true, pathNot: [...allowed, nodeBuiltins, ioAndHeavyPackages] },
    },
  ],
  options: {
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: '^node_modules/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
