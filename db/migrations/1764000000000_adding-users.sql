-- Up Migration

-- Adding users as an admin (up to 25 at a time): sites, extensions, phone numbers, deskphones,
-- emergency response locations, quotes for purchases and the provisioning requests themselves.

-- Extensions "fill in automatically": the next one per account, taken under the account row's lock.
ALTER TABLE accounts ADD COLUMN next_extension integer NOT NULL DEFAULT 101 CHECK (next_extension BETWEEN 100 AND 99999);

-- Sites exist only on multi-site accounts.
CREATE TABLE account_sites (
  account_id  text NOT NULL REFERENCES accounts(id),
  id          text NOT NULL,
  name        text NOT NULL,
  PRIMARY KEY (account_id, id)
);

-- Where emergency services are sent for a user's calls.
CREATE TABLE emergency_response_locations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  text NOT NULL REFERENCES accounts(id),
  nickname    text NOT NULL,
  site_id     text,
  address     jsonb NOT NULL,
  -- A location created by a provisioning step carries its key, so a retry finds it.
  creation_key text UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Users added by an admin: what they were given and how they get activated.
ALTER TABLE users
  ADD COLUMN cost_center                 text,
  ADD COLUMN site_id                     text,
  ADD COLUMN phone_number                text,
  ADD COLUMN temporary_password          boolean NOT NULL DEFAULT false,
  ADD COLUMN pin_hash                    text,
  ADD COLUMN security_question           text,
  ADD COLUMN security_answer_hash        text,
  ADD COLUMN emergency_location_id       uuid REFERENCES emergency_response_locations(id),
  ADD COLUMN must_add_emergency_address  boolean NOT NULL DEFAULT false,
  -- `<request id>:<index>`: a retried or replayed creation finds the user it already made.
  ADD COLUMN provisioning_key            text UNIQUE,
  ADD COLUMN provisioning_workflow_id    text,
  -- Set when the account required unique emails at creation: the index below then holds the line
  -- even against two requests racing for one address.
  ADD COLUMN unique_email                boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX users_unique_email ON users (account_id, lower(email)) WHERE unique_email AND status <> 'disabled';

-- Seats reserved for a provisioning step can be handed back (saga compensation).
ALTER TABLE license_assignments ADD COLUMN released_at timestamptz;

-- Seats bought for a request, once per request and license (a retried purchase buys nothing more).
CREATE TABLE license_purchases (
  request_id  uuid NOT NULL,
  account_id  text NOT NULL REFERENCES accounts(id),
  license     text NOT NULL,
  seats       integer NOT NULL CHECK (seats > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, license)
);

-- The account's phone numbers: from inventory, or bought from the carrier for a user.
CREATE TABLE phone_numbers (
  number           text PRIMARY KEY,             -- E.164
  account_id       text NOT NULL REFERENCES accounts(id),
  region           text,                          -- state or province
  area_code        text,
  carrier_sid      text,                          -- Twilio's PN… sid, for numbers bought through it
  status           text NOT NULL CHECK (status IN ('available', 'purchasing', 'reserved', 'released')),
  reservation_key  text UNIQUE,                   -- the provisioning step holding it
  bought_for       text,                          -- the provisioning step it was bought for (released = given back to the carrier)
  user_id          uuid REFERENCES users(id),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phone_numbers_account ON phone_numbers (account_id, status);

-- Deskphones the account owns and can assign.
CREATE TABLE deskphone_inventory (
  id               text PRIMARY KEY,
  account_id       text NOT NULL REFERENCES accounts(id),
  model            text NOT NULL,
  mac_address      text,
  reservation_key  text UNIQUE,
  user_id          uuid REFERENCES users(id)
);

-- Deskphones bought for a user, shipped to an address; one order per provisioning step.
CREATE TABLE deskphone_orders (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reservation_key  text NOT NULL UNIQUE,
  account_id       text NOT NULL REFERENCES accounts(id),
  model            text NOT NULL,
  price_cents      integer NOT NULL,
  ship_to          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'placed' CHECK (status IN ('placed', 'cancelled')),
  user_id          uuid REFERENCES users(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  cancelled_at     timestamptz
);

-- A quote for what a request buys: the submit must name it and acknowledge the charges.
CREATE TABLE provisioning_quotes (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id   text NOT NULL REFERENCES accounts(id),
  created_by   uuid NOT NULL REFERENCES users(id),
  fingerprint  text NOT NULL,      -- of the request it prices (credentials left out)
  items        jsonb NOT NULL,
  total_cents  integer NOT NULL,
  currency     text NOT NULL DEFAULT 'USD',
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  used_by      uuid UNIQUE
);

-- One row per submitted request; the workflow `provisioning:<account>:<id>` carries it out.
CREATE TABLE provisioning_requests (
  id           uuid PRIMARY KEY,
  account_id   text NOT NULL REFERENCES accounts(id),
  requested_by uuid NOT NULL REFERENCES users(id),
  quote_id     uuid REFERENCES provisioning_quotes(id),
  user_count   integer NOT NULL CHECK (user_count BETWEEN 1 AND 25),
  workflow_id  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE provisioning_requests;
DROP TABLE provisioning_quotes;
DROP TABLE deskphone_orders;
DROP TABLE deskphone_inventory;
DROP TABLE phone_numbers;
DROP TABLE license_purchases;
ALTER TABLE license_assignments DROP COLUMN released_at;
DROP INDEX users_unique_email;
ALTER TABLE users
  DROP COLUMN cost_center, DROP COLUMN site_id, DROP COLUMN phone_number, DROP COLUMN temporary_password,
  DROP COLUMN pin_hash, DROP COLUMN security_question, DROP COLUMN security_answer_hash,
  DROP COLUMN emergency_location_id, DROP COLUMN must_add_emergency_address, DROP COLUMN provisioning_key,
  DROP COLUMN provisioning_workflow_id, DROP COLUMN unique_email;
DROP TABLE emergency_response_locations;
DROP TABLE account_sites;
ALTER TABLE accounts DROP COLUMN next_extension;
