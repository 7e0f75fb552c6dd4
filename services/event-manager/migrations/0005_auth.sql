-- What authentication keeps besides the users themselves.

-- Secrets the event manager makes for itself at first start (the key signing
-- bearer tokens and evidence URLs), shared by every instance and kept across
-- restarts so that tokens stay valid. Readable by whoever can read this database.
CREATE TABLE server_secrets (
  name text PRIMARY KEY CHECK (name <> ''),
  value bytea NOT NULL CHECK (octet_length(value) > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Raised when a user's password changes or the user is disabled. A token carries
-- the generation it was issued under, and one from an earlier generation is
-- refused: changing a password ends every session opened with the old one.
ALTER TABLE users ADD COLUMN token_generation bigint NOT NULL DEFAULT 0;
