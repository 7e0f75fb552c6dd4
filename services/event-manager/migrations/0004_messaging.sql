-- What ties the database to Kafka: the messages already handled, and the camera
-- changes waiting to be published.

-- Idempotent consumption. A message is recorded under the id its producer gave it
-- (detection_id, match_id, recording_id, motion "event_id/update") in the same
-- transaction as its effect, and a message whose id is here is skipped. Ids
-- rather than (partition, offset): a message a producer sent twice (it retried
-- after a crash) has two offsets but one id, and offsets mean nothing once a
-- topic is recreated. Rows older than the topics' retention can be purged.
CREATE TABLE processed_messages (
  topic text NOT NULL,
  message_id text NOT NULL CHECK (message_id <> ''),
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, message_id)
);
CREATE INDEX processed_messages_at_idx ON processed_messages (processed_at);

-- Transactional outbox of the cameras topic: every change of a camera writes its
-- new message here in the transaction that changes it, and the publisher sends
-- the rows in id order, deleting each once the broker acknowledged it. So a
-- change is published only once committed, and never lost. No foreign key: a
-- deleted camera's tombstone (payload NULL) outlives it.
CREATE TABLE camera_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  camera_id text NOT NULL,
  payload bytea,  -- a serialized vigie.v1.Camera; NULL deletes the camera
  created_at timestamptz NOT NULL DEFAULT now()
);
