-- Up Migration

-- A seat's assignment is released once per time it was held, not once ever: its reservation key
-- comes back when the same invitation reserves again (a person onboarded again after an
-- offboarding), and the second offboarding's release must be recorded too. The conditional update
-- of license_assignments (released_at IS NULL) in the same transaction is what keeps each holding
-- from being released twice; this index made the second holding's release fail for ever.
DROP INDEX offboarding_releases_seat_once;

-- Down Migration

CREATE UNIQUE INDEX offboarding_releases_seat_once ON offboarding_releases (ref) WHERE kind = 'seat';
