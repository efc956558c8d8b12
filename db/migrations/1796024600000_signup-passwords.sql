-- Up Migration

-- A signup's password hash waits here between the submitted form and the activity that creates (or
-- completes) the user, instead of travelling in the invitation's signUp update (and so in its
-- history, readable by whoever reads the Temporal database or UI, encrypted or not). The update
-- carries only the row's id; the activity takes the hash and deletes the row in its transaction. A
-- refused signup's row is deleted by the API; one left by a crash in between is purged after 30 days
-- (far longer than any worker outage a signup would wait out).
CREATE TABLE signup_passwords (
  id             uuid PRIMARY KEY,
  invitation_id  text NOT NULL,
  password_hash  text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signup_passwords_created ON signup_passwords (created_at);

-- Down Migration

DROP TABLE signup_passwords;
