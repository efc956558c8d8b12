-- Up Migration

-- The read model of where every workflow stands, so admins' lists are served from PostgreSQL
-- instead of by asking workflows: each workflow records every stage it enters (the recordStage
-- local activity, or the activity that already writes at that moment, in its own transaction; see
-- db/read-model/stage-writes.ts). NULL until the workflow records its first stage: invitations and
-- requests started before this read model, until their next stage or `npm run backfill:stages`.

-- An invitation's stage, since when, when its current link expires, the license the invitee gets
-- on activation; `delivery_failure` (already here, never written until now) says why nothing
-- reached the invitee.
ALTER TABLE invitations
  ADD COLUMN stage       text CHECK (stage IN ('scheduled', 'sending', 'awaiting_signup', 'license_pending', 'activated', 'expired', 'revoked', 'delivery_failed')),
  ADD COLUMN stage_since timestamptz,
  ADD COLUMN expires_at  timestamptz,
  ADD COLUMN license     text CHECK (license IN ('ringex', 'video_pro_plus', 'video_pro', 'mobile'));

-- A user's onboarding: their provisioning workflow's stage if an admin added them, else the stage
-- of the invitation they signed up from; and that workflow.
ALTER TABLE users
  ADD COLUMN onboarding_stage       text CHECK (onboarding_stage IN ('reserving', 'awaiting_activation', 'invited', 'activated', 'failed',
                                                                     'scheduled', 'sending', 'awaiting_signup', 'license_pending', 'expired', 'revoked', 'delivery_failed')),
  ADD COLUMN onboarding_stage_since timestamptz,
  ADD COLUMN onboarding_workflow_id text;

-- A provisioning request's stage, and how many of its users could not be added (once completed).
ALTER TABLE provisioning_requests
  ADD COLUMN stage        text CHECK (stage IN ('purchasing', 'provisioning', 'completed')),
  ADD COLUMN stage_since  timestamptz,
  ADD COLUMN users_failed integer;

-- Lists page by keyset, newest first: (created_at, id) descending within the account. One index
-- per filter that is selective and common enough to deserve one, each ending in that order so a
-- filtered page is read in order and stops after `limit` rows; chosen from EXPLAIN (ANALYZE) on
-- 100,000 invitations in one account (README, "Lists"; `npm run bench:lists`).
DROP INDEX invitations_account;
CREATE INDEX invitations_list ON invitations (account_id, created_at DESC, id DESC);
CREATE INDEX invitations_list_stage ON invitations (account_id, stage, created_at DESC, id DESC);
CREATE INDEX invitations_list_invited_by ON invitations (account_id, invited_by, created_at DESC, id DESC);
CREATE INDEX invitations_email_prefix ON invitations (account_id, invitee_email text_pattern_ops);
CREATE INDEX invitations_phone_prefix ON invitations (account_id, invitee_phone text_pattern_ops);
CREATE INDEX invitations_expiring ON invitations (account_id, expires_at) WHERE stage = 'awaiting_signup';

CREATE INDEX users_list ON users (account_id, created_at DESC, id DESC);
CREATE INDEX users_list_stage ON users (account_id, onboarding_stage, created_at DESC, id DESC);
CREATE INDEX users_email_prefix ON users (account_id, lower(email) text_pattern_ops);

CREATE INDEX provisioning_requests_list ON provisioning_requests (account_id, created_at DESC, id DESC);

-- The stage writes find their row by workflow id.
CREATE INDEX users_provisioning_workflow ON users (provisioning_workflow_id) WHERE provisioning_workflow_id IS NOT NULL;
CREATE INDEX provisioning_requests_workflow ON provisioning_requests (workflow_id);

-- Down Migration
DROP INDEX provisioning_requests_workflow;
DROP INDEX users_provisioning_workflow;
DROP INDEX provisioning_requests_list;
DROP INDEX users_email_prefix;
DROP INDEX users_list_stage;
DROP INDEX users_list;
DROP INDEX invitations_expiring;
DROP INDEX invitations_phone_prefix;
DROP INDEX invitations_email_prefix;
DROP INDEX invitations_list_invited_by;
DROP INDEX invitations_list_stage;
DROP INDEX invitations_list;
CREATE INDEX invitations_account ON invitations (account_id, created_at DESC);
ALTER TABLE provisioning_requests DROP COLUMN stage, DROP COLUMN stage_since, DROP COLUMN users_failed;
ALTER TABLE users DROP COLUMN onboarding_stage, DROP COLUMN onboarding_stage_since, DROP COLUMN onboarding_workflow_id;
ALTER TABLE invitations DROP COLUMN stage, DROP COLUMN stage_since, DROP COLUMN expires_at, DROP COLUMN license;
