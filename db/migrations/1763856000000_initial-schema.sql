-- Up Migration

-- A company account: its email domains decide who is a co-worker and who is a guest.
CREATE TABLE accounts (
  id                          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name                        text NOT NULL,
  company_domains             text[] NOT NULL DEFAULT '{}',
  plan                        text NOT NULL DEFAULT 'video_pro' CHECK (plan IN ('video_pro', 'video_pro_plus', 'ringex')),
  country                     char(2) NOT NULL DEFAULT 'US',
  locale                      text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr')),
  time_zone                   text NOT NULL DEFAULT 'UTC',
  users_may_invite            boolean NOT NULL DEFAULT true,
  require_unique_email        boolean NOT NULL DEFAULT true,
  multi_site                  boolean NOT NULL DEFAULT false,
  invitation_lifetime_seconds integer NOT NULL DEFAULT 1209600 CHECK (invitation_lifetime_seconds > 0), -- 14 days
  created_at                  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id         text NOT NULL REFERENCES accounts(id),
  email              text NOT NULL,
  first_name         text NOT NULL DEFAULT '',
  last_name          text NOT NULL DEFAULT '',
  company_name       text,
  role               text NOT NULL DEFAULT 'user' CHECK (role IN ('super_admin', 'admin', 'user')),
  user_type          text NOT NULL DEFAULT 'coworker' CHECK (user_type IN ('admin', 'coworker', 'guest')),
  license            text NOT NULL DEFAULT 'video_pro' CHECK (license IN ('ringex', 'video_pro_plus', 'video_pro', 'mobile')),
  status             text NOT NULL DEFAULT 'not_activated' CHECK (status IN ('not_activated', 'license_pending', 'active', 'disabled')),
  extension          integer,
  password_hash      text,
  can_purchase       boolean NOT NULL DEFAULT false,
  created_at         timestamptz NOT NULL DEFAULT now(),
  activated_at       timestamptz,
  UNIQUE (account_id, extension)
);
CREATE INDEX users_account_email ON users (account_id, lower(email));

-- Bearer credentials for the API: only a hash is kept; the secret is shown once.
CREATE TABLE api_credentials (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id    text NOT NULL REFERENCES accounts(id),
  user_id       uuid NOT NULL REFERENCES users(id),
  secret_hash   text NOT NULL UNIQUE,
  label         text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz
);

-- One row per invitation: who was invited by whom, and the hash of the current token. Its stage
-- lives in the workflow with the same id (query getInvitationStatus, or the OnboardingStage attribute).
-- No token is stored: only the hash of the current one (tokens are derived, see activities/invitation-tokens).
CREATE TABLE invitations (
  id                 text PRIMARY KEY,  -- also the Temporal workflow id, readable by a person
  account_id         text NOT NULL REFERENCES accounts(id),
  channel            text NOT NULL CHECK (channel IN ('email', 'text', 'link')),
  invitee_email      text,
  invitee_phone      text,
  invitee_type       text CHECK (invitee_type IN ('admin', 'coworker', 'guest')),
  role               text NOT NULL DEFAULT 'user' CHECK (role IN ('super_admin', 'admin', 'user')),
  invited_by         uuid NOT NULL REFERENCES users(id),
  locale             text NOT NULL DEFAULT 'en',
  token_generation   integer NOT NULL DEFAULT 0,
  token_hash         text UNIQUE,
  delivery_failure   text,
  user_id            uuid REFERENCES users(id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (invitee_email IS NOT NULL OR invitee_phone IS NOT NULL OR channel = 'link')
);
CREATE INDEX invitations_account ON invitations (account_id, created_at DESC);

-- Seats an account owns per license; assignments reference a reservation key so a retried
-- activity never takes a second seat.
CREATE TABLE license_inventory (
  account_id   text NOT NULL REFERENCES accounts(id),
  license      text NOT NULL CHECK (license IN ('ringex', 'video_pro_plus')),
  seats_total  integer NOT NULL DEFAULT 0 CHECK (seats_total >= 0),
  PRIMARY KEY (account_id, license)
);
CREATE TABLE license_assignments (
  reservation_key text PRIMARY KEY,
  account_id      text NOT NULL REFERENCES accounts(id),
  license         text NOT NULL,
  user_id         uuid REFERENCES users(id),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Every message goes through the outbox, keyed by invitation, step and resend number, so a
-- retried or replayed activity never delivers the same message twice.
CREATE TABLE message_outbox (
  key                 text PRIMARY KEY,
  invitation_id       text REFERENCES invitations(id),
  channel             text NOT NULL CHECK (channel IN ('email', 'text')),
  recipient           text NOT NULL,
  status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  provider_message_id text,
  attempts            integer NOT NULL DEFAULT 0,
  last_error          text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  sent_at             timestamptz
);

-- Down Migration
DROP TABLE message_outbox;
DROP TABLE license_assignments;
DROP TABLE license_inventory;
DROP TABLE invitations;
DROP TABLE api_credentials;
DROP TABLE users;
DROP TABLE accounts;
