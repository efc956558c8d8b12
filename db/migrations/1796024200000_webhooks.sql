-- Up Migration

-- Outgoing webhooks. An account's endpoints; the events its changes report, recorded in the same
-- statement as the change (an outbox); one message per event and subscribed endpoint, which the
-- endpoint's delivery workflow sends until the receiver answers 2xx; each attempt, for the log.
CREATE TABLE webhook_endpoints (
  id                        text PRIMARY KEY,  -- ep_<random>; the delivery workflow is webhook-delivery:<id>
  account_id                text NOT NULL REFERENCES accounts(id),
  url                       text NOT NULL,
  description               text NOT NULL DEFAULT '',
  event_types               text[] NOT NULL,
  enabled                   boolean NOT NULL DEFAULT true,
  -- Why it stopped (410 Gone, failing for the retry window); cleared when enabled again.
  disabled_reason           text,
  disabled_at               timestamptz,
  -- whsec_…: the receiver's key is shown once; kept to sign. The old one signs too until it expires.
  secret                    text NOT NULL,
  previous_secret           text,
  previous_secret_expires_at timestamptz,
  -- Since when every attempt failed (null after any success): past the retry window, disabled.
  failing_since             timestamptz,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  deleted_at                timestamptz
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_events (
  id          bigserial PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts(id),
  type        text NOT NULL,
  -- Whose events are delivered in order: the person's invitation, else their provisioning; a request; a batch.
  subject     text NOT NULL,
  -- The change it reports (subject, type, stage time): a retried write records nothing twice.
  dedupe_key  text NOT NULL UNIQUE,
  data        jsonb NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_account_time ON webhook_events (account_id, occurred_at);

CREATE TABLE webhook_messages (
  id              bigserial PRIMARY KEY,
  -- The webhook-id header: the same on every attempt and replay, so receivers can deduplicate.
  message_id      text NOT NULL UNIQUE DEFAULT 'msg_' || replace(gen_random_uuid()::text, '-', ''),
  endpoint_id     text NOT NULL REFERENCES webhook_endpoints(id),
  event_id        bigint NOT NULL REFERENCES webhook_events(id),
  subject         text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_messages_pending ON webhook_messages (endpoint_id, subject, id) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
  id            bigserial PRIMARY KEY,
  message_id    bigint NOT NULL REFERENCES webhook_messages(id),
  endpoint_id   text NOT NULL REFERENCES webhook_endpoints(id),
  attempted_at  timestamptz NOT NULL DEFAULT now(),
  status_code   integer,  -- null: no answer (refused, timed out, address not allowed)
  latency_ms    integer NOT NULL,
  response      text NOT NULL DEFAULT '',  -- the first 1 KB of the answer, or the error
  succeeded     boolean NOT NULL
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id DESC);

-- Down Migration
DROP TABLE webhook_attempts;
DROP TABLE webhook_messages;
DROP TABLE webhook_events;
DROP TABLE webhook_endpoints;
