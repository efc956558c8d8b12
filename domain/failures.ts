// The one failure vocabulary. Activities, workflows and their update validators raise
// ApplicationFailures with one of these types (activities/ may use no other: ESLint checks);
// workflows match on them; the API turns them into problem+json in one place
// (api/failures.ts). Each is declared once, here.
export const failureTypes = {
  // Invitations
  /** The mailbox or number was refused for good; retrying cannot help. */
  deliveryRejected: 'DeliveryRejected',
  /** The invitation row the workflow refers to is gone (or has no address for the channel). */
  invitationNotFound: 'InvitationNotFound',
  /** The invite link to share is gone. */
  inviteLinkNotFound: 'InviteLinkNotFound',
  /** A signup was refused; `details[0]` lists the failing fields (FieldError[]). */
  signupRejected: 'SignupRejected',
  /** The signup's address already belongs to an active user of the account. */
  alreadyAUser: 'AlreadyAUser',
  /**
   * The signup could not be completed for a reason that is not the submission's (the user could not
   * be made); the API answers it as an internal error, and the link stays open for another try.
   */
  signupFailed: 'SignupFailed',
  /** The update does not apply to the workflow's current stage. */
  wrongStage: 'WrongStage',
  // Provisioning requests ("add users")
  noSeatAvailable: 'NoSeatAvailable',
  deskphoneUnavailable: 'DeskphoneUnavailable',
  numberUnavailable: 'NumberUnavailable',
  /** The carrier refused to sell the number (e.g. Twilio 21422). */
  numberPurchaseRefused: 'NumberPurchaseRefused',
  emailInUse: 'EmailInUse',
  /** The user the welcome email is for is gone from the account. */
  userNotFound: 'UserNotFound',
  // Batches
  /** The batch a batch workflow carries out is gone from the database. */
  invitationBatchNotFound: 'InvitationBatchNotFound',
  // Operations
  /** A stalled-activations sweep whose action does not apply to its stage (e.g. remind for expired). */
  sweepActionMismatch: 'SweepActionMismatch',
  // Privacy
  /** The stored credentials a user's activation refers to are gone and the user is not active: nothing to set. */
  assignedCredentialsNotFound: 'AssignedCredentialsNotFound',
} as const;

export type FailureType = (typeof failureTypes)[keyof typeof failureTypes];
