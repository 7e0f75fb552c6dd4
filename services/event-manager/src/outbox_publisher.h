// Sends a topic from a transactional outbox table: its rows, in id order, each
// deleted once the broker acknowledged its message. A change is thus published
// only after its transaction committed, and is never lost: a broker outage holds
// the rows back (retried with backoff) and a crash leaves them for the next start.
//
// Instances take turns through an advisory lock, so one key's messages leave in
// order even with several event managers. A message may go out twice (a retry
// after an unacknowledged send, or a crash before its row was deleted); it
// carries the same revision, which consumers ignore.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <thread>

#include "vigie/bus/producer.h"
#include "vigie/storage/database.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace vigie::event_manager {

// An outbox table and what its rows become. The table has columns id (bigint,
// increasing), the key column (text) and payload (bytea: the topic's message;
// NULL for a tombstone). The names are the code's own constants, never input.
struct OutboxTable {
  std::string table;       // "camera_outbox"
  std::string key_column;  // "camera_id": the Kafka key
  bus::Topic topic;
  long long lock_key;  // the advisory lock the instances take turns with
  std::string kind;    // label of a published message in the metric ("camera")
  bool tombstones = false;
  std::string published_metric;  // counter of acknowledged messages, by kind
  std::string published_help;
  std::string failures_metric;  // counter of sends not acknowledged, each retried
  std::string failures_help;
};

struct OutboxPublisherOptions {
  std::chrono::milliseconds poll_interval{250};  // how soon a committed change is seen
  std::size_t batch_size = 100;
  std::chrono::milliseconds send_timeout{10'000};  // per message, before it is retried
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{30'000};
};

class OutboxPublisher {
 public:
  // Runs in the publisher's thread before the first batch, tried again with
  // backoff until it returns (say, to queue a whole set behind the waiting rows).
  using Prepare = std::function<void(std::stop_token)>;

  // The producer should be the publisher's alone: a failed send waits for it to
  // drain before retrying.
  OutboxPublisher(storage::Database& database, bus::Producer& producer, OutboxTable table,
                  OutboxPublisherOptions options, prometheus::Registry& metrics);
  ~OutboxPublisher();
  OutboxPublisher(const OutboxPublisher&) = delete;
  OutboxPublisher& operator=(const OutboxPublisher&) = delete;

  // Publishes in a thread of its own until stop(), after prepare.
  void start(Prepare prepare = {});
  void stop();

  // published_through() turns true once no row with an id up to row_id is left
  // (checked with each batch, whichever instance published them).
  void watch_through(int64_t row_id) {
    watched_published_ = false;
    watched_ = row_id;
  }
  bool published_through() const { return watched_published_; }

 private:
  void run(std::stop_token stop, const Prepare& prepare);
  // Runs step until it returns true or stop is requested, backing off after an error.
  void retry(const char* what, const std::function<bool()>& step, std::stop_token stop);
  // Publishes one batch; returns how many rows it published.
  std::size_t publish_batch(std::stop_token stop);
  // Sends one row's message until the broker acknowledges it; false when stopped first.
  bool deliver(const std::string& key, const std::string* payload, std::stop_token stop);

  storage::Database& database_;
  bus::Producer& producer_;
  const OutboxTable table_;
  const OutboxPublisherOptions options_;
  prometheus::Family<prometheus::Counter>& published_;
  prometheus::Family<prometheus::Counter>& failures_;
  std::atomic<int64_t> watched_{0};
  std::atomic<bool> watched_published_{false};
  std::jthread thread_;
};

}  // namespace vigie::event_manager
