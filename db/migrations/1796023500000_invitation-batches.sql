-- Up Migration

-- Batches of up to 10,000 invitations (a CSV or JSON upload), and bulk actions on invitations
-- (resend, remind, revoke) through the same mechanism. The rows live here, not in the batch
-- workflow's payload: the workflow takes the batch id and fans the rows out in chunks.
CREATE TABLE invitation_batches (
  id           uuid PRIMARY KEY,
  account_id   text NOT NULL REFERENCES accounts(id),
  created_by   uuid NOT NULL REFERENCES users(id),
  -- invite: start an invitation per row; resend, remind, revoke: ask each listed invitation.
  kind         text NOT NULL CHECK (kind IN ('invite', 'resend', 'remind', 'revoke')),
  source       text NOT NULL CHECK (source IN ('csv', 'json')),
  row_count    integer NOT NULL CHECK (row_count BETWEEN 1 AND 10000),
  workflow_id  text NOT NULL UNIQUE,
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'cancelled')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  ended_at     timestamptz
);
CREATE INDEX invitation_batches_account ON invitation_batches (account_id, created_at DESC);

-- One row per line of the upload (or per invitation id of a bulk action), validated before the
-- batch was accepted. `outcome` moves once from pending to where the row ended; `starting` marks
-- a row whose invitation is recorded and whose workflow start may not have happened yet (a
-- retried chunk starts it again, USE_EXISTING), so every row ends in exactly one outcome.
CREATE TABLE invitation_batch_rows (
  batch_id          uuid NOT NULL REFERENCES invitation_batches(id) ON DELETE CASCADE,
  line              integer NOT NULL,  -- the CSV line (the header is line 1), or the 1-based item of a JSON list
  invitation_id     text NOT NULL,
  channel           text CHECK (channel IN ('email', 'text')),
  email             text,
  phone             text,
  invitee_type      text CHECK (invitee_type IN ('admin', 'coworker', 'guest')),
  role              text CHECK (role IN ('admin', 'user')),
  license           text CHECK (license IN ('ringex', 'video_pro_plus', 'video_pro', 'mobile')),
  locale            text CHECK (locale IN ('en', 'fr')),
  send_at           timestamptz,
  outcome           text NOT NULL DEFAULT 'pending' CHECK (outcome IN (
                      'pending', 'starting', 'started', 'already_invited', 'already_user', 'failed', 'cancelled', 'revoked', 'done', 'skipped')),
  detail            text,
  -- The invitation's first token generation when this row started it: its first message's outbox
  -- key is `<invitation_id>/invite/<token_generation>`, which tells whether it was sent.
  token_generation  integer,
  settled_at        timestamptz,
  PRIMARY KEY (batch_id, line)
);
-- The next rows to fan out: a chunk reads the first N of these.
CREATE INDEX invitation_batch_rows_open ON invitation_batch_rows (batch_id, line) WHERE outcome IN ('pending', 'starting');

-- Messages a minute an account's batches may send; NULL: the deployment's BATCH_MESSAGES_PER_MINUTE.
ALTER TABLE accounts ADD COLUMN batch_messages_per_minute integer CHECK (batch_messages_per_minute > 0);

-- Each account's pace of batch messages, shared by all its batches: a chunk that sent n messages
-- moves `next_at` on by n / rate, and the batch waits until then before its next chunk.
CREATE TABLE batch_send_pace (
  account_id  text PRIMARY KEY REFERENCES accounts(id),
  next_at     timestamptz NOT NULL
);

-- Down Migration
DROP TABLE batch_send_pace;
ALTER TABLE accounts DROP COLUMN batch_messages_per_minute;
DROP TABLE invitation_batch_rows;
DROP TABLE invitation_batches;
