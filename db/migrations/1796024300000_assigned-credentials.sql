-- Up Migration

-- "Activate by assigning credentials": the password, PIN and security-answer hashes wait here
-- until the user's activation sets them, instead of travelling in a workflow's input (and so in
-- its history, readable by whoever reads the Temporal database or UI). The workflow carries only
-- the row's id; the activation takes the hashes and deletes the row in one transaction.
CREATE TABLE assigned_credentials (
  id                   uuid PRIMARY KEY,
  account_id           text NOT NULL REFERENCES accounts(id),
  -- Recorded with its request (absent for a later activation of an existing user).
  request_id           uuid REFERENCES provisioning_requests(id) ON DELETE CASCADE,
  password_hash        text NOT NULL,
  temporary_password   boolean NOT NULL,
  pin_hash             text NOT NULL,
  security_question    text NOT NULL,
  security_answer_hash text NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE assigned_credentials;
