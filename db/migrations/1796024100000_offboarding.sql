-- Up Migration

-- Offboarding (workflows/offboarding/): a deactivated user keeps their row and history; what they
-- held goes back, each thing once.

-- How long a departed user's number stays out of the inventory, so it does not ring at once for
-- someone else with the old owner's callers (default 30 days; an admin sets it per account).
ALTER TABLE accounts ADD COLUMN number_quarantine_seconds integer NOT NULL DEFAULT 2592000
  CHECK (number_quarantine_seconds BETWEEN 1 AND 31536000);

-- A number in quarantine is not assignable (only `available` ones are) and still names its owner,
-- so a reactivation within the quarantine gets the same number back.
ALTER TABLE phone_numbers DROP CONSTRAINT phone_numbers_status_check;
ALTER TABLE phone_numbers ADD CONSTRAINT phone_numbers_status_check
  CHECK (status IN ('available', 'purchasing', 'reserved', 'released', 'quarantined'));
ALTER TABLE phone_numbers ADD COLUMN quarantined_until timestamptz;
ALTER TABLE phone_numbers ADD CONSTRAINT phone_numbers_quarantine_has_end CHECK ((status = 'quarantined') = (quarantined_until IS NOT NULL));
CREATE INDEX phone_numbers_user ON phone_numbers (user_id) WHERE user_id IS NOT NULL;

-- A deskphone marked for return stays the user's until it is received, then goes back to inventory.
ALTER TABLE deskphone_inventory ADD COLUMN return_requested_at timestamptz;
CREATE INDEX deskphone_inventory_user ON deskphone_inventory (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX deskphone_orders_user ON deskphone_orders (user_id) WHERE user_id IS NOT NULL;

-- Seats are released by user at offboarding.
CREATE INDEX license_assignments_user ON license_assignments (user_id) WHERE released_at IS NULL;

-- The read model of a user's offboarding, beside their onboarding (db/read-model/stage-writes.ts).
ALTER TABLE users
  ADD COLUMN offboarding_stage text CHECK (offboarding_stage IN ('ending_onboarding', 'disabling_sign_in', 'releasing_license', 'number_quarantine',
                                                                 'awaiting_deskphone_return', 'offboarded', 'reactivating', 'awaiting_seat', 'reactivated', 'reonboarding')),
  ADD COLUMN offboarding_stage_since timestamptz,
  ADD COLUMN offboarding_workflow_id text,
  ADD COLUMN deactivated_at timestamptz;

-- What each offboarding gave back, once: the history kept with the user, and the proof that nothing
-- is released twice (a release writes its row in the transaction of its conditional update).
CREATE TABLE offboarding_releases (
  offboarding_key  text NOT NULL,           -- the workflow's id and run
  kind             text NOT NULL CHECK (kind IN ('seat', 'number', 'deskphone', 'deskphone_order')),
  ref              text NOT NULL,           -- the seat's reservation key, the number, the deskphone or order id
  user_id          uuid NOT NULL REFERENCES users(id),
  account_id       text NOT NULL REFERENCES accounts(id),
  released_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (offboarding_key, kind, ref)
);
-- A seat's assignment is released once, ever (a reactivation takes a new one).
CREATE UNIQUE INDEX offboarding_releases_seat_once ON offboarding_releases (ref) WHERE kind = 'seat';
CREATE INDEX offboarding_releases_user ON offboarding_releases (user_id, released_at);

-- Down Migration
DROP TABLE offboarding_releases;
ALTER TABLE users DROP COLUMN offboarding_stage, DROP COLUMN offboarding_stage_since, DROP COLUMN offboarding_workflow_id, DROP COLUMN deactivated_at;
DROP INDEX license_assignments_user;
DROP INDEX deskphone_orders_user;
DROP INDEX deskphone_inventory_user;
ALTER TABLE deskphone_inventory DROP COLUMN return_requested_at;
DROP INDEX phone_numbers_user;
ALTER TABLE phone_numbers DROP CONSTRAINT phone_numbers_quarantine_has_end;
ALTER TABLE phone_numbers DROP COLUMN quarantined_until;
ALTER TABLE phone_numbers DROP CONSTRAINT phone_numbers_status_check;
ALTER TABLE phone_numbers ADD CONSTRAINT phone_numbers_status_check CHECK (status IN ('available', 'purchasing', 'reserved', 'released'));
ALTER TABLE accounts DROP COLUMN number_quarantine_seconds;
