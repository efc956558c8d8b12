-- Up Migration

-- Buying seats follows the purchase confirmation of adding users: a quote (provisioning_quotes,
-- whose fingerprint names the license and the number of seats) acknowledged once. Each purchase is
-- recorded with the quote it used; the quote's used_by is the purchase.
CREATE TABLE seat_purchases (
  id            uuid PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts(id),
  license       text NOT NULL CHECK (license IN ('ringex', 'video_pro_plus')),
  seats         integer NOT NULL CHECK (seats > 0),
  quote_id      uuid NOT NULL UNIQUE REFERENCES provisioning_quotes(id),
  total_cents   integer NOT NULL,
  purchased_by  uuid NOT NULL REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX seat_purchases_account ON seat_purchases (account_id, created_at DESC);

-- The most seats of one license this account may hold; NULL: the deployment's SEATS_PER_ACCOUNT_MAX.
-- Support raises it for one account; the refusal tells the buyer to ask.
ALTER TABLE accounts ADD COLUMN seat_limit integer CHECK (seat_limit >= 0);

-- Down Migration
ALTER TABLE accounts DROP COLUMN seat_limit;
DROP TABLE seat_purchases;
