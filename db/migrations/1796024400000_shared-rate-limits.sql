-- Up Migration

-- Rate-limit counters shared by every API process (api/plugins/rate-limits.ts), so that a limit
-- holds however many API processes a proxy spreads a caller over. One row per bucket (a credential,
-- or an address on a route), its window starting at its first hit by the database's clock.
-- UNLOGGED: a counter is worth nothing after a crash and need not cost WAL; a restart of PostgreSQL
-- (or a fail-over) empties it, which only starts every window afresh.
CREATE UNLOGGED TABLE rate_limit_hits (
  bucket      text PRIMARY KEY,
  hits        integer NOT NULL,
  expires_at  timestamptz NOT NULL
);

-- Down Migration
DROP TABLE rate_limit_hits;
