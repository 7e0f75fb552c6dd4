-- Alerts raised by the rule engine, the operators' decisions on them, and the
-- pictures that show why. An alert is a record of what happened: it keeps the
-- camera's id, name and position and the analysis as they were, and outlives
-- the camera or analysis being changed or deleted (so no foreign key to them).

CREATE TYPE alert_state AS ENUM ('pending', 'confirmed', 'rejected', 'resolved');

CREATE TABLE alerts (
  id uuid PRIMARY KEY,
  camera_id text NOT NULL,
  camera_name text NOT NULL,
  analysis text NOT NULL,
  type alert_type NOT NULL,
  state alert_state NOT NULL DEFAULT 'pending',
  latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  perimeter_m real NOT NULL CHECK (perimeter_m >= 0),
  actions text[] NOT NULL DEFAULT '{}' CHECK (array_position(actions, NULL) IS NULL),
  label text NOT NULL,
  max_score real NOT NULL CHECK (max_score BETWEEN 0 AND 1),
  positives integer NOT NULL CHECK (positives >= 1),
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  CHECK (last_seen >= first_seen),
  evidence_image_id uuid,  -- foreign key below, once evidence_images exists
  -- Raised on every change; the events topic carries it so consumers keep the newest.
  revision bigint NOT NULL DEFAULT 1 CHECK (revision > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One open alert per camera and analysis: new positives update it rather than
-- raise a second one.
CREATE UNIQUE INDEX alerts_open_per_camera_analysis ON alerts (camera_id, analysis)
  WHERE state IN ('pending', 'confirmed');

-- The alert list's filters, newest first, each ending with id for keyset paging.
CREATE INDEX alerts_time_idx ON alerts (first_seen DESC, id DESC);
CREATE INDEX alerts_camera_time_idx ON alerts (camera_id, first_seen DESC, id DESC);
CREATE INDEX alerts_type_time_idx ON alerts (type, first_seen DESC, id DESC);
CREATE INDEX alerts_state_time_idx ON alerts (state, first_seen DESC, id DESC);
-- The map's bounding box: point(longitude, latitude) <@ box(point(west, south), point(east, north)).
CREATE INDEX alerts_position_idx ON alerts USING gist (point(longitude, latitude));

CREATE TABLE evidence_images (
  id uuid PRIMARY KEY,
  alert_id uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  camera_id text NOT NULL,
  -- A JPEG at the analysis size (tens of kilobytes): starts with the SOI marker.
  jpeg bytea NOT NULL CHECK (substring(jpeg FROM 1 FOR 2) = '\xffd8'::bytea),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_images_alert_idx ON evidence_images (alert_id);

ALTER TABLE alerts ADD CONSTRAINT alerts_evidence_image_fk
  FOREIGN KEY (evidence_image_id) REFERENCES evidence_images (id) ON DELETE SET NULL;

-- Every decision on an alert, with who made it and when; alerts.state is the latest.
CREATE TABLE alert_decisions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  state alert_state NOT NULL CHECK (state <> 'pending'),
  -- The actor as in audit_log ("user:alice", "system:rules"): a fact that stays
  -- true when the user is renamed or removed.
  decided_by text NOT NULL CHECK (decided_by <> ''),
  decided_at timestamptz NOT NULL DEFAULT now(),
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000)
);
CREATE INDEX alert_decisions_alert_idx ON alert_decisions (alert_id, decided_at);
