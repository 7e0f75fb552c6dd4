// The live view's source: follows the frames, motion and detections topics into a
// LiveBoard, but only while someone watches. The first viewer (or overlay
// request) starts a consumer in a group of this process's own, reading every
// partition from its end; once nobody has watched for `linger`, it leaves the
// group and the board is cleared. So live view costs nothing while unused, and
// never replays the past.
//
// For the MJPEG route (the server must be able to stream a response):
//
//   auto viewer = feed.watch(camera_id);           // counts as a viewer until destroyed
//   write head: 200, Content-Type kMjpegContentType
//   while (client connected && !viewer->ended())
//     if (auto frame = viewer->next(1s)) write(mjpeg_part(frame->jpeg));
//
// next() returns null on its timeout (check the client, call again) and for good
// once stop() was called (ended() says so).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "live/live_board.h"
#include "vigie/bus/bus_config.h"

namespace prometheus {
class Gauge;
}
namespace vigie::metrics {
class Metrics;
}
namespace vigie::bus {
class Producer;
}

namespace vigie::event_manager::live {

struct FeedOptions {
  // How long the topics are still read after the last viewer left (a page
  // reloaded, a viewer switching cameras).
  std::chrono::milliseconds linger{30'000};
  // Own group per process: every instance sees every camera.
  std::string group_prefix = "vigie-event-manager-live-";
  // Between attempts to start the consumer when it could not be created.
  std::chrono::milliseconds retry{2'000};
};

class LiveFeed {
 public:
  class Viewer {
   public:
    ~Viewer();
    Viewer(const Viewer&) = delete;
    Viewer& operator=(const Viewer&) = delete;
    const std::string& camera_id() const { return camera_id_; }
    // The camera's latest frame if this viewer has not had it yet, else the next
    // one to arrive; null after timeout or once the feed stopped.
    std::shared_ptr<const LiveFrame> next(std::chrono::milliseconds timeout);
    // True once the feed stopped: next() will never give a frame again.
    bool ended() const;

   private:
    friend class LiveFeed;
    Viewer(LiveFeed& feed, std::string camera_id);
    LiveFeed& feed_;
    std::string camera_id_;
    uint64_t shown_version_ = 0;
  };

  // dead_letters: where undecodable messages go (the bus consumer's rule).
  LiveFeed(bus::BusConfig config, metrics::Metrics& metrics, bus::Producer& dead_letters,
           FeedOptions options = {});
  ~LiveFeed();  // stop()
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  std::unique_ptr<Viewer> watch(std::string camera_id);
  // The camera's latest boxes (LiveBoard::overlay); counts as watching for
  // `linger`, so a page that polls it keeps the topics read.
  nlohmann::json overlay(const std::string& camera_id);

  // Whether the consumer holds its partitions now (reading from their end).
  bool reading() const;
  std::size_t viewers() const;
  // Ends every viewer's wait and the consumer; for shutdown. Idempotent.
  void stop();

 private:
  void supervise(std::stop_token stop);
  void consume(std::stop_token stop);
  void touch();
  void leave();

  bus::BusConfig config_;
  metrics::Metrics& metrics_;
  bus::Producer& dead_letters_;
  FeedOptions options_;
  LiveBoard board_;
  prometheus::Gauge& viewers_gauge_;
  prometheus::Gauge& reading_gauge_;

  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::size_t viewers_ = 0;
  std::chrono::steady_clock::time_point last_interest_{};
  uint64_t wakes_ = 0;  // raised to wake the supervisor at once
  bool reading_ = false;
  bool stopped_ = false;
  std::atomic<bool> consumer_ended_{false};
  std::jthread consumer_;
  std::jthread supervisor_;  // last: stops first
};

}  // namespace vigie::event_manager::live
