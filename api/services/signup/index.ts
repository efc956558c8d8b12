// The signup pages' services: through an invitation's link (signup-service.ts) or the account's
// invite link (join-service.ts), both submitting the same form (signup-submission.ts).
export { createSignupData, type SignupData } from './signup-data';
export { mayBeToken, toSubmission, type SignupForm } from './signup-submission';
export { createSignupPasswords, type SignupPasswords } from './signup-passwords';
export { createSignupService, type InvitationForSignup, type SignupOutcome, type SignupService } from './signup-service';
export { createJoinService, type JoinOutcome, type JoinPage, type JoinService } from './join-service';
