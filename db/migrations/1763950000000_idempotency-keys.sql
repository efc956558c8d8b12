-- Up Migration

-- POSTs that start work accept an Idempotency-Key: the first response is kept and replayed.
CREATE TABLE idempotency_keys (
  credential_id  uuid NOT NULL REFERENCES api_credentials(id),
  key            text NOT NULL,
  request_hash   text NOT NULL,
  status_code    integer,            -- NULL while the first request is still running
  content_type   text,
  response_body  text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (credential_id, key)
);

-- Down Migration
DROP TABLE idempotency_keys;
