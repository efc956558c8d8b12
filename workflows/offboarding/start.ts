// How an offboarding workflow is started: its input, id (one per user), search attributes and
// summary. Workflow-safe, so the API and the tests start it the same way.
import { AccountId, InviteeEmail, OnboardingStage } from '../search-attributes';
import { firstOffboardingStage, offboardingWorkflowId, type OffboardingInput } from './definitions';

export function offboardingStart(input: OffboardingInput, email: string) {
  return {
    workflowId: offboardingWorkflowId(input.accountId, input.userId),
    args: [input] as [OffboardingInput],
    // Offboarding stages share OnboardingStage with the onboarding workflows (their names differ):
    // `OnboardingStage = "number_quarantine"` finds every user whose number is in quarantine.
    typedSearchAttributes: [
      { key: AccountId, value: input.accountId },
      { key: OnboardingStage, value: firstOffboardingStage(input) },
      { key: InviteeEmail, value: email },
    ],
    staticSummary: `${input.startedFor === 'reactivation' ? 'Reactivation' : 'Offboarding'} of ${email} (${input.accountId})`,
    staticDetails: `Asked by ${input.requestedBy}.`,
  };
}
