-- Who may use the operators' interface, and the record of every change made.

CREATE TYPE user_role AS ENUM ('viewer', 'operator', 'admin');

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$'),
  -- The slow KDF's own self-describing string (algorithm, parameters, salt, hash).
  password_hash text NOT NULL CHECK (password_hash <> ''),
  role user_role NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Users are disabled rather than deleted, so what they did keeps a name.
  disabled boolean NOT NULL DEFAULT false
);
-- "Alice" and "alice" are one user.
CREATE UNIQUE INDEX users_name_idx ON users (lower(name));

-- Append-only: who did what to what, when. actor is "user:NAME" for a person and
-- "system:PART" for the service itself; details never hold a credential.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL CHECK (actor <> ''),
  action text NOT NULL CHECK (action <> ''),   -- "camera.create", "alert.confirm" ...
  target_type text NOT NULL CHECK (target_type <> ''),
  target_id text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object')
);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, at);
CREATE INDEX audit_log_at_idx ON audit_log (at);
