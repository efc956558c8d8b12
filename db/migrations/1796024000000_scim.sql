-- Up Migration

-- An account's SCIM 2.0 connection: its identity provider (Okta, Entra ID, ...) pushes users and
-- groups to /scim/v2 with the connection's bearer token. One connection per account.
CREATE TABLE scim_connections (
  account_id       text PRIMARY KEY REFERENCES accounts(id),
  -- How a user the identity provider creates is onboarded: a welcome email now, or staged for an
  -- admin to activate later (assigned credentials need a PIN and a security answer SCIM does not carry).
  setup_option     text NOT NULL DEFAULT 'send_invite' CHECK (setup_option IN ('send_invite', 'activate_later')),
  -- The license of a user in no mapped group (a free one by default: SCIM never buys seats).
  default_license  text NOT NULL DEFAULT 'video_pro' CHECK (default_license IN ('ringex', 'video_pro_plus', 'video_pro', 'mobile')),
  -- [{ "group": "Sales", "role": "user", "license": "ringex" }, ...], first match wins.
  group_mappings   jsonb NOT NULL DEFAULT '[]',
  -- The admin who set it up: the provisioning requests SCIM starts are requested in their name.
  created_by       uuid NOT NULL REFERENCES users(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- The connection's bearer tokens, kept only as SHA-256 (shown once). Rotating sets the old one's
-- expires_at a while ahead, so the identity provider can be updated without a gap.
CREATE TABLE scim_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id   text NOT NULL REFERENCES scim_connections(account_id),
  secret_hash  text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX scim_tokens_account ON scim_tokens (account_id);

-- A SCIM User: the identity provider's view (the resource as last written) and the provisioning
-- request that onboards it. The user row (users) is made by that request's workflow and found by
-- its provisioning key. The unique indexes make a replayed or concurrent create find the first one.
CREATE TABLE scim_users (
  id                uuid PRIMARY KEY,
  account_id        text NOT NULL REFERENCES accounts(id),
  user_name         text NOT NULL,
  external_id       text,
  resource          jsonb NOT NULL,
  active            boolean NOT NULL DEFAULT true,
  request_id        uuid NOT NULL,
  provisioning_key  text NOT NULL,
  -- The request's workflow was started (a create interrupted before that is finished by its replay).
  started           boolean NOT NULL DEFAULT false,
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX scim_users_user_name ON scim_users (account_id, lower(user_name));
CREATE UNIQUE INDEX scim_users_external_id ON scim_users (account_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX scim_users_key ON scim_users (provisioning_key);
CREATE INDEX scim_users_list ON scim_users (account_id, created_at, id);

CREATE TABLE scim_groups (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id    text NOT NULL REFERENCES accounts(id),
  display_name  text NOT NULL,
  external_id   text,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX scim_groups_display_name ON scim_groups (account_id, lower(display_name));

CREATE TABLE scim_group_members (
  group_id  uuid NOT NULL REFERENCES scim_groups(id) ON DELETE CASCADE,
  user_id   uuid NOT NULL REFERENCES scim_users(id) ON DELETE CASCADE,
  -- The member's display as the identity provider gave it (returned as given, RFC 7643 §4.2).
  display   text,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX scim_group_members_user ON scim_group_members (user_id);

-- Down Migration
DROP TABLE scim_group_members;
DROP TABLE scim_groups;
DROP TABLE scim_users;
DROP TABLE scim_tokens;
DROP TABLE scim_connections;
