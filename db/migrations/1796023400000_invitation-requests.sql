-- Up Migration

-- An invitee who opened an expired or revoked invitation link asked for a new invitation. The
-- account's admins see the request and approve it (one resend; a fresh invitation when the old
-- one was revoked or has closed) or dismiss it. Recorded by the page's POST only (opening the
-- link records nothing), in one statement whatever the token, so the answer tells nothing.
CREATE TABLE invitation_requests (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id        text NOT NULL REFERENCES accounts(id),
  invitation_id     text NOT NULL REFERENCES invitations(id),
  -- The link it came from, and the invitee's address then: the per-link and per-address limits.
  token_hash        text NOT NULL,
  invitee           text NOT NULL,
  -- Where the invitation stood once the request was checked (expired, revoked, delivery_failed);
  -- NULL until then, or when its workflow is gone.
  invitation_stage  text,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'dismissed')),
  -- What the approval did: resent the invitation, or invited the person again.
  outcome           text CHECK (outcome IN ('resent', 'invited_again')),
  requested_at      timestamptz NOT NULL DEFAULT now(),
  decided_at        timestamptz,
  decided_by        uuid REFERENCES users(id)
);
-- One pending request per invitation: pressing the button again adds nothing.
CREATE UNIQUE INDEX invitation_requests_one_pending ON invitation_requests (invitation_id) WHERE status = 'pending';
CREATE INDEX invitation_requests_account ON invitation_requests (account_id, status, requested_at DESC);
CREATE INDEX invitation_requests_per_link ON invitation_requests (token_hash, requested_at);
CREATE INDEX invitation_requests_per_address ON invitation_requests (invitee, requested_at);

-- Down Migration
DROP TABLE invitation_requests;
