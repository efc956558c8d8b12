// The one failure vocabulary. Activities and update validators raise ApplicationFailures with one of
// these types; workflows match on them; the API maps them to problem+json in one place
// (api/problems.ts). Each is declared once, here.
export const failureTypes = {
  // Invitations
  /** The mailbox or number was refused for good; retrying cannot help. */
  deliveryRejected: 'DeliveryRejected',
  /** The invitation row the workflow refers to is gone. */
  invitationNotFound: 'InvitationNotFound',
  /** A signup was refused; `details[0]` lists the failing fields (FieldError[]). */
  signupRejected: 'SignupRejected',
  /** The signup's address already belongs to an active user of the account. */
  alreadyAUser: 'AlreadyAUser',
  /** The update does not apply to the workflow's current stage. */
  wrongStage: 'WrongStage',
  // Provisioning requests ("add users")
  noSeatAvailable: 'NoSeatAvailable',
  deskphoneUnavailable: 'DeskphoneUnavailable',
  numberUnavailable: 'NumberUnavailable',
  /** The carrier refused to sell the number (e.g. Twilio 21422). */
  numberPurchaseRefused: 'NumberPurchaseRefused',
  emailInUse: 'EmailInUse',
} as const;

export type FailureType = (typeof failureTypes)[keyof typeof failureTypes];
