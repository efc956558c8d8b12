// `npm run bundle:workflows`: prebuilds the workflow bundle the production worker loads
// (WORKFLOW_BUNDLE_PATH), so worker start-up does not run webpack.
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_SOURCES } from '../worker';

async function main() {
  const out = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const { code } = await bundleWorkflowCode(WORKFLOW_BUNDLE_SOURCES);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, code);
  console.log(`workflow bundle written to ${out}`);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
