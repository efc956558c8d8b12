-- Up Migration

-- A request for a new invitation is its own outbox entry: recorded by the page's one statement
-- with `follow_up_started_at` empty, and marked once its workflow (the check, then the admins'
-- email) has started. The API starts it right after answering; if it dies in between, the relay
-- (api/services/invitation-requests/invitation-request-relay.ts) finds the row still unmarked and
-- starts it then, so no request goes untold. Requests recorded before this were followed up.
ALTER TABLE invitation_requests ADD COLUMN follow_up_started_at timestamptz;
UPDATE invitation_requests SET follow_up_started_at = requested_at;
CREATE INDEX invitation_requests_to_follow_up ON invitation_requests (requested_at) WHERE follow_up_started_at IS NULL;

-- The admins' list, a page at a time: keyset over (requested_at, id), newest first, with or without a status.
CREATE INDEX invitation_requests_list ON invitation_requests (account_id, requested_at DESC, id DESC);

-- Down Migration
DROP INDEX invitation_requests_list;
DROP INDEX invitation_requests_to_follow_up;
ALTER TABLE invitation_requests DROP COLUMN follow_up_started_at;
