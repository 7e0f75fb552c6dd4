// Sends the cameras topic from the database: the rows of camera_outbox, in id
// order, each deleted once the broker acknowledged its message. A change is thus
// published only after its transaction committed, and is never lost: a broker
// outage holds the rows back (retried with backoff) and a crash leaves them for
// the next start. At start the whole current camera set is queued behind them,
// so the topic matches the database even if it was emptied or wrongly written.
//
// Instances take turns through an advisory lock, so one camera's messages leave
// in order even with several event managers. A message may go out twice (a
// retry after an unacknowledged send, or a crash before its row was deleted);
// with the same revision, consumers ignore the second.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <stop_token>
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

struct CameraPublisherOptions {
  std::chrono::milliseconds poll_interval{250};  // how soon a committed change is seen
  std::size_t batch_size = 100;
  std::chrono::milliseconds send_timeout{10'000};  // per message, before it is retried
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{30'000};
};

class CameraPublisher {
 public:
  // The producer should be the publisher's alone: a failed send waits for it to
  // drain before retrying.
  CameraPublisher(storage::Database& database, bus::Producer& producer, CameraPublisherOptions options,
                  prometheus::Registry& metrics);
  ~CameraPublisher();
  CameraPublisher(const CameraPublisher&) = delete;
  CameraPublisher& operator=(const CameraPublisher&) = delete;

  // Queues the current camera set, then publishes in a thread of its own until stop().
  void start();
  void stop();

  // True once the camera set queued at start has been published.
  bool caught_up() const { return caught_up_; }

 private:
  void run(std::stop_token stop);
  void queue_all_cameras(std::stop_token stop);
  // Publishes one batch; returns how many rows it published.
  std::size_t publish_batch(std::stop_token stop);
  // Sends one row's message until the broker acknowledges it; false when stopped first.
  bool deliver(const std::string& camera_id, const std::string* payload, std::stop_token stop);

  storage::Database& database_;
  bus::Producer& producer_;
  const CameraPublisherOptions options_;
  prometheus::Family<prometheus::Counter>& published_;
  prometheus::Family<prometheus::Counter>& failures_;
  // The last outbox row queued by queue_all_cameras: caught up once it is gone.
  std::atomic<int64_t> last_queued_at_start_{0};
  std::atomic<bool> caught_up_{false};
  std::jthread thread_;
};

}  // namespace vigie::event_manager
