-- What the rule engine keeps between batches, so that a restart or a redelivery
-- changes nothing, and the events topic's outbox. Times here are the cameras'
-- capture times (the clock of the messages), never the server's: replaying the
-- same messages gives the same alerts.

-- Positives that count towards an alert not raised yet: those of the last
-- window (older ones are pruned), none while an alert is open or cooling down.
-- Written in the transaction that records their message in processed_messages,
-- so a crash between two positives keeps the first.
CREATE TABLE rule_positives (
  camera_id text NOT NULL,
  analysis text NOT NULL,
  message_id text NOT NULL,
  seen_at timestamptz NOT NULL,
  score real NOT NULL CHECK (score BETWEEN 0 AND 1),
  label text NOT NULL,
  PRIMARY KEY (camera_id, analysis, message_id)
);

-- When the latest alert of a camera and analysis was closed (rejected or
-- resolved), on the camera's clock: that alert's last_seen, its newest
-- positive. No new one is raised before the cool-down has passed since.
CREATE TABLE rule_cooldowns (
  camera_id text NOT NULL,
  analysis text NOT NULL,
  closed_at timestamptz NOT NULL,
  PRIMARY KEY (camera_id, analysis)
);

-- Transactional outbox of the events topic: every change of an alert (raised,
-- updated, decided) writes its vigie.v1.Event here in the transaction that makes
-- it; the publisher sends the rows in id order, keyed by camera id, deleting each
-- once the broker acknowledged it. No foreign key: the message outlives nothing.
CREATE TABLE event_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  camera_id text NOT NULL,
  alert_id uuid NOT NULL,
  payload bytea NOT NULL,  -- a serialized vigie.v1.Event
  created_at timestamptz NOT NULL DEFAULT now()
);
