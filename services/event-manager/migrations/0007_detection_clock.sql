-- The capture time of the newest positive the rule engine has counted (raising
-- or updating an alert, or waiting for more), for /api/health/cameras. One row,
-- moved forward by each batch that carries positives, so that the health check
-- reads one row instead of every alert (an index on alerts.last_seen, which
-- every alert update changes, would keep those updates from being HOT).
CREATE TABLE detection_clock (
  id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  last_seen timestamptz NOT NULL
);

INSERT INTO detection_clock (last_seen) SELECT max(last_seen) FROM alerts HAVING max(last_seen) IS NOT NULL;
