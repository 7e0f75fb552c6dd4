// Persists a batch of detections and motion events: in ONE transaction, each
// message's id goes into processed_messages (a message already there is a
// redelivery and is skipped), the alert rule runs over the rest with its state
// loaded from the database (pending positives, the open alerts, the
// cool-downs), and its effect is written back with the alerts raised or
// updated, their evidence pictures and their events for the events topic.
// Either all of a batch's effect is in the database or none of it, and a
// message's effect is there once, however often it is delivered.
//
// The cameras' data (name, position, analyses) is read inside the transaction,
// in one query for the batch's cameras: no cache, so a camera or analysis
// changed a moment ago applies from the next batch and a deleted one never
// raises an alert again.
#pragma once

#include <chrono>
#include <memory>
#include <stop_token>
#include <vector>

#include "alerts/alert.h"
#include "vigie/bus/consumer.h"
#include "vigie/storage/database.h"

namespace prometheus {
class Registry;
}

namespace vigie::event_manager {

struct AlertWriterOptions {
  // After an alert of a camera and analysis is closed, positives of theirs
  // before this much more of the camera's clock has passed raise nothing.
  std::chrono::milliseconds cooldown{60'000};
  // How long a batch waits for the database (riding out an outage) before
  // write() gives up with storage::DatabaseUnavailable.
  std::chrono::milliseconds patience{30'000};
};

class AlertWriter {
 public:
  // Registers the vigie_event_manager_alert_* metrics.
  AlertWriter(storage::Database& database, AlertWriterOptions options, prometheus::Registry& metrics);
  ~AlertWriter();
  AlertWriter(const AlertWriter&) = delete;
  AlertWriter& operator=(const AlertWriter&) = delete;

  // Persists the batch's records of the detections and motion topics (others
  // are counted and skipped) and returns every alert it raised or updated, as
  // committed. Throws when the transaction does not commit (the database away
  // for longer than the patience or stop requested while waiting for it:
  // storage::DatabaseUnavailable; or its commit in doubt): nothing of the batch
  // was written then, or it was and a retry skips it.
  std::vector<AlertRecord> write(const std::vector<bus::Record>& batch, std::stop_token stop = {});

 private:
  struct Metrics;
  storage::Database& database_;
  const AlertWriterOptions options_;
  std::unique_ptr<Metrics> metrics_;
};

}  // namespace vigie::event_manager
