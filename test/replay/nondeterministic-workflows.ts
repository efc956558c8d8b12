// A deliberately changed invitation workflow (it sleeps before sending), used only to prove that
// the replay test detects a change in the commands a workflow issues.
import { sleep } from '@temporalio/workflow';

export async function invitationWorkflow(): Promise<void> {
  await sleep('1 minute');
}
