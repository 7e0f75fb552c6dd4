-- Cameras and the analyses they run: the configuration the event manager
-- publishes on the cameras topic. Values that ingest or motion treat as "use my
-- default" are NULL here (0 in the protobuf message).

CREATE TYPE alert_type AS ENUM ('police', 'ambulance', 'fire_brigade');
CREATE TYPE source_kind AS ENUM ('rtsp', 'mjpeg', 'snapshot', 'file', 'v4l2');
CREATE TYPE rtsp_transport AS ENUM ('tcp', 'udp');
CREATE TYPE decode_mode AS ENUM ('all', 'keyframes');

-- What counts as a positive for one kind of alert, and what an alert of it asks for.
CREATE TABLE analyses (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Named in detections and alerts; the name is what operators and detectors share.
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  type alert_type NOT NULL,
  detector text NOT NULL CHECK (detector <> '' AND length(detector) <= 200),
  labels text[] NOT NULL
    CHECK (cardinality(labels) BETWEEN 1 AND 100 AND array_position(labels, NULL) IS NULL),
  min_score real NOT NULL CHECK (min_score BETWEEN 0 AND 1),
  positives_needed integer NOT NULL CHECK (positives_needed BETWEEN 1 AND 10000),
  window_ms integer NOT NULL CHECK (window_ms BETWEEN 1 AND 86400000),
  fps real NOT NULL CHECK (fps > 0 AND fps <= 60),
  perimeter_m real NOT NULL CHECK (perimeter_m BETWEEN 0 AND 100000),
  actions text[] NOT NULL DEFAULT '{}'
    CHECK (cardinality(actions) <= 50 AND array_position(actions, NULL) IS NULL),
  revision bigint NOT NULL DEFAULT 1 CHECK (revision > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cameras (
  -- The Kafka key of every message about the camera, and a URL path segment.
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  name text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
  enabled boolean NOT NULL DEFAULT true,

  -- The stream ingest reads for the analyses. URLs never hold credentials.
  analysis_kind source_kind NOT NULL,
  analysis_url text NOT NULL CHECK (analysis_url <> '' AND length(analysis_url) <= 2000),
  analysis_rtsp_transport rtsp_transport NOT NULL DEFAULT 'tcp',
  snapshot_interval_ms integer CHECK (snapshot_interval_ms BETWEEN 1 AND 3600000),
  snapshot_min_hash_distance integer CHECK (snapshot_min_hash_distance BETWEEN 1 AND 64),
  CHECK (analysis_kind = 'snapshot' OR (snapshot_interval_ms IS NULL AND snapshot_min_hash_distance IS NULL)),

  -- The high-resolution stream the recorder copies, if any.
  recording_kind source_kind CHECK (recording_kind <> 'snapshot'),
  recording_url text CHECK (recording_url <> '' AND length(recording_url) <= 2000),
  recording_rtsp_transport rtsp_transport NOT NULL DEFAULT 'tcp',
  CHECK ((recording_kind IS NULL) = (recording_url IS NULL)),

  latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),

  -- Fernet token of {"username","password"}; the key is not in the database.
  credentials_token text CHECK (credentials_token <> ''),

  frames_fps real CHECK (frames_fps > 0 AND frames_fps <= 60),
  frames_width integer CHECK (frames_width BETWEEN 64 AND 3840),
  frames_decode_mode decode_mode NOT NULL DEFAULT 'all',
  frames_frozen_after_ms integer CHECK (frames_frozen_after_ms BETWEEN 1 AND 3600000),

  -- vigie.v1.MotionSettings in protobuf's JSON mapping (field names as in the
  -- .proto): masks and zones are lists of polygons, read whole by motion.
  motion jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(motion) = 'object'),

  -- Raised by every change of what is published for the camera (its analyses'
  -- definitions included), so consumers can ignore a replayed older message.
  revision bigint NOT NULL DEFAULT 1 CHECK (revision > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The analyses a camera runs. Deleting a camera detaches its analyses; an analysis
-- still run by a camera cannot be deleted.
CREATE TABLE camera_analyses (
  camera_id text NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  analysis_id bigint NOT NULL REFERENCES analyses (id) ON DELETE RESTRICT,
  PRIMARY KEY (camera_id, analysis_id)
);
-- "Which cameras run this analysis", asked when an analysis changes.
CREATE INDEX camera_analyses_analysis_idx ON camera_analyses (analysis_id);
