-- Up Migration

-- Text invitations: the inviter's edited message and an optional attachment (sent as MMS media).
ALTER TABLE invitations ADD COLUMN text_message text, ADD COLUMN media_url text;

-- "Please allow a full minute between phone number submissions": one text per number per minute.
CREATE TABLE text_invitation_throttle (
  phone         text PRIMARY KEY,
  last_sent_at  timestamptz NOT NULL
);

-- Each account's shareable invite link: copy it, rotate it, revoke it. Only its token's hash is kept.
CREATE TABLE invite_links (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  text NOT NULL REFERENCES accounts(id),
  token_hash  text NOT NULL UNIQUE,
  created_by  uuid NOT NULL REFERENCES users(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  max_uses    integer CHECK (max_uses IS NULL OR max_uses > 0),
  uses        integer NOT NULL DEFAULT 0,
  revoked_at  timestamptz
);
-- At most one live link per account: rotating revokes the old one in the same transaction.
CREATE UNIQUE INDEX invite_links_one_live ON invite_links (account_id) WHERE revoked_at IS NULL;

-- Down Migration
DROP TABLE invite_links;
DROP TABLE text_invitation_throttle;
ALTER TABLE invitations DROP COLUMN text_message, DROP COLUMN media_url;
