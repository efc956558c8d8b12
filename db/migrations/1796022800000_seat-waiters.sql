-- Up Migration

-- Who waits for a paid seat, since when: a Video Pro+ invitation whose reservation found no seat.
-- When seats are added or freed every waiter is woken and tries again, and a reservation succeeds
-- only while fewer earlier waiters are still waiting than seats are free, so the seat goes to the
-- one who has waited longest, not to whoever is fastest. Keyed like the reservation (the
-- invitation's id); a failed attempt keeps its first waiting time; success removes the row.
CREATE TABLE license_seat_waiters (
  reservation_key  text PRIMARY KEY,
  account_id       text NOT NULL REFERENCES accounts(id),
  license          text NOT NULL,
  user_id          uuid REFERENCES users(id),
  waiting_since    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX license_seat_waiters_queue ON license_seat_waiters (account_id, license, waiting_since, reservation_key);

-- Down Migration
DROP TABLE license_seat_waiters;
