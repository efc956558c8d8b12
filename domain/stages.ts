// Where an invitation, a user's provisioning, a provisioning request and a user account stand.
// Workflows set them (and the OnboardingStage search attribute), the API shows them, the
// stalled-activations job filters on them: one list of each, here.

/** An invitation's lifecycle, in the order the product describes it. */
export const invitationStages = [
  'scheduled',
  'sending',
  'awaiting_signup',
  'license_pending',
  'activated',
  'expired',
  'revoked',
  'delivery_failed',
] as const;
export type InvitationStage = (typeof invitationStages)[number];

export const invitationChannels = ['email', 'text', 'link'] as const;
export type InvitationChannel = (typeof invitationChannels)[number];

/** One user of a provisioning request ("add users"); the invitation has its own stages. */
export const userProvisioningStages = ['reserving', 'awaiting_activation', 'invited', 'activated', 'failed'] as const;
export type UserProvisioningStage = (typeof userProvisioningStages)[number];

export const provisioningRequestStages = ['purchasing', 'provisioning', 'completed'] as const;
export type ProvisioningRequestStage = (typeof provisioningRequestStages)[number];

/** A user account's status (the `users.status` column). */
export const userStatuses = ['not_activated', 'license_pending', 'active', 'disabled'] as const;
export type UserStatus = (typeof userStatuses)[number];

/** "awaiting_signup" → "awaiting signup", for messages people read. */
export const stageWords = (stage: string) => stage.replace(/_/g, ' ');

/**
 * A user's offboarding, in the order it runs (workflows/offboarding/): open invitations and invite
 * links ended, sign-in and credentials disabled, the seat released, the number quarantined (and the
 * deskphone marked for return), the deskphone awaited, offboarded. Reactivation within the
 * quarantine: reactivating → awaiting seat (the user is license pending) → reactivated; after it,
 * reonboarding (a new invitation for the same user).
 */
export const offboardingStages = [
  'ending_onboarding',
  'disabling_sign_in',
  'releasing_license',
  'number_quarantine',
  'awaiting_deskphone_return',
  'offboarded',
  'reactivating',
  'awaiting_seat',
  'reactivated',
  'reonboarding',
] as const;
export type OffboardingStage = (typeof offboardingStages)[number];
