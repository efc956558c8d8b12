// Invitation tokens are derived, not stored: HMAC(secret, invitation id + generation). A retried
// send rebuilds the very same link, a resend (next generation) makes the old link stop working,
// and only the token's SHA-256 ever reaches the database or a workflow history.
import { createHash, createHmac } from 'node:crypto';

export function deriveInvitationToken(secret: string, invitationId: string, generation: number): string {
  return createHmac('sha256', secret).update(`${invitationId}\n${generation}`).digest('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The account invite link's token: derived from its id, so the link can be shown again to copy. */
export function inviteLinkToken(secret: string, linkId: string): string {
  return createHmac('sha256', secret).update(`invite-link\n${linkId}`).digest('base64url');
}
