// Sends the cameras topic from the database: the rows of camera_outbox, through
// an OutboxPublisher (in order, only once committed, never lost; see there). At
// start the whole current camera set is queued behind the waiting rows, so the
// topic matches the database even if it was emptied or wrongly written. A
// deleted camera's row is a tombstone.
#pragma once

#include "outbox_publisher.h"

namespace vigie::event_manager {

using CameraPublisherOptions = OutboxPublisherOptions;

class CameraPublisher {
 public:
  // The producer should be the publisher's alone: a failed send waits for it to
  // drain before retrying.
  CameraPublisher(storage::Database& database, bus::Producer& producer, CameraPublisherOptions options,
                  prometheus::Registry& metrics);

  // Queues the current camera set, then publishes in a thread of its own until stop().
  void start();
  void stop() { outbox_.stop(); }

  // True once the camera set queued at start has been published.
  bool caught_up() const { return outbox_.published_through(); }

 private:
  storage::Database& database_;
  OutboxPublisher outbox_;
};

}  // namespace vigie::event_manager
