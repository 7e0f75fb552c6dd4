// Turns the detections and motion topics into alerts: a consumer (its own
// group) whose every batch AlertWriter persists in one transaction. The
// consumer stores a batch's offsets only after the handler returned, that is
// after the commit, so nothing is lost; a redelivered message finds its id in
// processed_messages and changes nothing. While the database is away a batch
// waits for it (up to the writer's patience), then the handler throws and the
// consumer reads the batch again after a backoff, for as long as it takes.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "alerts/alert.h"
#include "alerts/alert_writer.h"
#include "vigie/bus/bus_config.h"
#include "vigie/bus/consumer.h"
#include "vigie/bus/producer.h"
#include "vigie/storage/database.h"

namespace vigie::metrics {
class Metrics;
}

namespace vigie::event_manager {

struct AlertIngestorOptions {
  std::string group_id = "vigie-event-manager-alerts";
  AlertWriterOptions writer;
  // Batches are this full only when messages wait (a backlog, say after an
  // outage), where larger ones catch up faster (docs/benchmarks.md); in steady
  // flow max_wait ends them first.
  std::size_t max_batch = 2000;
  std::chrono::milliseconds max_wait{100};         // longest a partial batch waits
  std::chrono::milliseconds initial_backoff{200};  // before a failed batch is read again
  std::chrono::milliseconds max_backoff{10'000};
};

class AlertIngestor {
 public:
  // Called after each commit, from the consumer's thread, with every alert the
  // batch raised or updated, as committed. It should not block for long: the
  // next batch waits for it.
  using OnChanged = std::function<void(const std::vector<AlertRecord>&)>;

  // dead_letters takes the messages that do not decode or lack an id, a camera
  // or a capture time.
  AlertIngestor(storage::Database& database, const bus::BusConfig& config, metrics::Metrics& metrics,
                bus::Producer& dead_letters, AlertIngestorOptions options = {}, OnChanged on_changed = {});
  // Stops, as stop().
  ~AlertIngestor();
  AlertIngestor(const AlertIngestor&) = delete;
  AlertIngestor& operator=(const AlertIngestor&) = delete;

  // Consumes in a thread of its own until stop().
  void start();
  // Lets the batch in hand finish or give up (it is read again by whoever
  // consumes next), commits the offsets of the batches done and leaves the group.
  void stop();
  bool connected() const { return consumer_.connected(); }

 private:
  void handle(std::vector<bus::Record>& batch, std::stop_token stop);

  AlertWriter writer_;
  bus::Consumer consumer_;
  OnChanged on_changed_;
  std::jthread thread_;
};

}  // namespace vigie::event_manager
