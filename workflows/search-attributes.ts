// Custom search attributes: how support staff find a workflow in the Temporal UI
// (e.g. `InviteeEmail = "ana@example.com"` or `AccountId = "acme" AND OnboardingStage = "license_pending"`).
// Registered by the dev-server launcher, by the docker-compose setup and by `ensureSearchAttributes`.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const AccountId = defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD);
export const OnboardingChannel = defineSearchAttributeKey('OnboardingChannel', SearchAttributeType.KEYWORD);
export const OnboardingStage = defineSearchAttributeKey('OnboardingStage', SearchAttributeType.KEYWORD);
export const InviteeEmail = defineSearchAttributeKey('InviteeEmail', SearchAttributeType.KEYWORD);
export const InviteePhone = defineSearchAttributeKey('InviteePhone', SearchAttributeType.KEYWORD);
/** When the current stage was entered: "stuck in license_pending for 3 days" is one visibility query. */
export const OnboardingStageSince = defineSearchAttributeKey('OnboardingStageSince', SearchAttributeType.DATETIME);

export const customSearchAttributes = [AccountId, OnboardingChannel, OnboardingStage, OnboardingStageSince, InviteeEmail, InviteePhone];
