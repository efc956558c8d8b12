-- Up Migration

-- "One text per number per minute" was one row per number for everyone: one account's text made
-- another account's invitation to the same number fail with 429, which also told it that someone
-- had just texted that number. The API's limit is now per account and number.
CREATE TABLE text_invitation_throttle_per_account (
  account_id    text NOT NULL REFERENCES accounts(id),
  phone         text NOT NULL,
  last_sent_at  timestamptz NOT NULL,
  PRIMARY KEY (account_id, phone)
);

-- The carrier-level spacing stays per number, in the sender (activities/outbox.ts): a text to a
-- number texted less than a minute ago, by any account, waits for its turn instead of failing.
-- `last_key` is the outbox key of the message that holds the number's latest slot, so a retried
-- attempt of that same message does not wait for itself.
CREATE TABLE text_number_spacing (
  phone         text PRIMARY KEY,
  last_key      text NOT NULL,
  last_sent_at  timestamptz NOT NULL
);

-- text_invitation_throttle is no longer written; it stays until every API runs this version.

-- Down Migration
DROP TABLE text_number_spacing;
DROP TABLE text_invitation_throttle_per_account;
