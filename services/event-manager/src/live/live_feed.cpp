#include "live/live_feed.h"

#include <prometheus/gauge.h>

#include "vigie/bus/consumer.h"
#include "vigie/log/log.h"
#include "vigie/metrics/metrics.h"

namespace vigie::event_manager::live {

using Clock = std::chrono::steady_clock;

LiveFeed::Viewer::Viewer(LiveFeed& feed, std::string camera_id) : feed_(feed), camera_id_(std::move(camera_id)) {}

LiveFeed::Viewer::~Viewer() { feed_.leave(); }

std::shared_ptr<const LiveFrame> LiveFeed::Viewer::next(std::chrono::milliseconds timeout) {
  auto frame = feed_.board_.wait_newer(camera_id_, shown_version_, timeout);
  if (frame) shown_version_ = frame->version;
  return frame;
}

bool LiveFeed::Viewer::ended() const {
  std::lock_guard lock(feed_.mutex_);
  return feed_.stopped_;
}

LiveFeed::LiveFeed(bus::BusConfig config, metrics::Metrics& metrics, bus::Producer& dead_letters,
                   FeedOptions options)
    : config_(std::move(config)),
      metrics_(metrics),
      dead_letters_(dead_letters),
      options_(std::move(options)),
      viewers_gauge_(prometheus::BuildGauge()
                         .Name("vigie_event_manager_live_viewers")
                         .Help("Live views (MJPEG streams) open now")
                         .Register(metrics.registry())
                         .Add({})),
      reading_gauge_(prometheus::BuildGauge()
                         .Name("vigie_event_manager_live_reading")
                         .Help("1 while the live view reads the frames, motion and detections topics")
                         .Register(metrics.registry())
                         .Add({})) {
  // One group for the life of the process, so its metrics keep one label.
  options_.group_prefix = bus::private_group_id(options_.group_prefix);
  supervisor_ = std::jthread([this](std::stop_token stop) { supervise(stop); });
}

LiveFeed::~LiveFeed() { stop(); }

std::unique_ptr<LiveFeed::Viewer> LiveFeed::watch(std::string camera_id) {
  {
    std::lock_guard lock(mutex_);
    ++viewers_;
    ++wakes_;
    viewers_gauge_.Set(static_cast<double>(viewers_));
  }
  wake_.notify_all();
  return std::unique_ptr<Viewer>(new Viewer(*this, std::move(camera_id)));
}

nlohmann::json LiveFeed::overlay(const std::string& camera_id) {
  touch();
  return board_.overlay(camera_id);
}

bool LiveFeed::reading() const {
  std::lock_guard lock(mutex_);
  return reading_;
}

std::size_t LiveFeed::viewers() const {
  std::lock_guard lock(mutex_);
  return viewers_;
}

void LiveFeed::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  board_.close();
  supervisor_.request_stop();
  if (supervisor_.joinable()) supervisor_.join();
  consumer_.request_stop();
  if (consumer_.joinable()) consumer_.join();
}

void LiveFeed::touch() {
  bool start = false;
  {
    std::lock_guard lock(mutex_);
    start = viewers_ == 0 && !reading_;
    last_interest_ = Clock::now();
    if (start) ++wakes_;
  }
  if (start) wake_.notify_all();
}

void LiveFeed::leave() {
  std::lock_guard lock(mutex_);
  --viewers_;
  viewers_gauge_.Set(static_cast<double>(viewers_));
  last_interest_ = Clock::now();
}

// The only thread that starts and stops the consumer.
void LiveFeed::supervise(std::stop_token stop) {
  Clock::time_point retry_at{};
  uint64_t seen_wakes = 0;
  while (!stop.stop_requested()) {
    bool wanted = false;
    {
      std::lock_guard lock(mutex_);
      wanted = viewers_ > 0 ||
               (last_interest_ != Clock::time_point{} && Clock::now() - last_interest_ < options_.linger);
    }
    if (consumer_.joinable() && consumer_ended_) {
      // It stopped on an error: try again later.
      consumer_.join();
      retry_at = Clock::now() + options_.retry;
    }
    if (wanted && !consumer_.joinable() && Clock::now() >= retry_at) {
      consumer_ended_ = false;
      consumer_ = std::jthread([this](std::stop_token consumer_stop) {
        consume(consumer_stop);
        consumer_ended_ = true;
      });
    } else if (!wanted && consumer_.joinable()) {
      consumer_.request_stop();
      consumer_.join();
      board_.clear();
      log::info("live view idle: stopped reading frames",
                {{"linger_ms", static_cast<int64_t>(options_.linger.count())}});
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, std::chrono::milliseconds(100), [&] { return wakes_ != seen_wakes; });
    seen_wakes = wakes_;
  }
}

void LiveFeed::consume(std::stop_token stop) {
  bus::ConsumerOptions options;
  options.group_id = options_.group_prefix;
  options.topics = {bus::Topic::frames, bus::Topic::motion, bus::Topic::detections};
  options.from_end_on_assign = true;
  options.on_assigned = [this](const std::vector<bus::PartitionRef>&) {
    std::lock_guard lock(mutex_);
    reading_ = true;
    reading_gauge_.Set(1);
  };
  options.on_revoked = [this](const std::vector<bus::PartitionRef>&) {
    std::lock_guard lock(mutex_);
    reading_ = false;
    reading_gauge_.Set(0);
  };
  try {
    bus::Consumer consumer(config_, "vigie-event-manager", options, metrics_, dead_letters_);
    log::info("live view: reading frames, motion and detections from their end", {{"group", options.group_id}});
    consumer.run(stop, [this](std::vector<bus::Record>& batch) {
      for (const auto& r : batch) {
        if (const auto* frame = r.as<v1::Frame>()) board_.apply(*frame);
        else if (const auto* motion = r.as<v1::MotionEvent>()) board_.apply(*motion);
        else if (const auto* detection = r.as<v1::Detection>()) board_.apply(*detection);
      }
    });
  } catch (const std::exception& e) {
    log::error("live view: cannot read the frames topic", {{"group", options.group_id}, {"error", e.what()}});
  }
  std::lock_guard lock(mutex_);
  reading_ = false;
  reading_gauge_.Set(0);
}

}  // namespace vigie::event_manager::live
