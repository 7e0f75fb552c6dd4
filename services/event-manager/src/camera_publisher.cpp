#include "camera_publisher.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include "camera_outbox.h"
#include "camera_rows.h"
#include "vigie/log/log.h"
#include "vigie/storage/text_array.h"
#include "vigie/v1/camera.pb.h"

namespace vigie::event_manager {
namespace {

using std::chrono::milliseconds;

// "vigie.cp" in ASCII: held by the instance publishing a batch of the outbox.
constexpr long long kPublisherLock = 0x7669676965'2e6370;
// How long one database step may wait before the loop backs off and retries.
constexpr milliseconds kDatabasePatience{10'000};

void pause(milliseconds duration, const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  wake.wait_for(lock, stop, duration, [] { return false; });
}

}  // namespace

CameraPublisher::CameraPublisher(storage::Database& database, bus::Producer& producer,
                                 CameraPublisherOptions options, prometheus::Registry& metrics)
    : database_(database),
      producer_(producer),
      options_(options),
      published_(prometheus::BuildCounter()
                     .Name("vigie_event_manager_cameras_published_total")
                     .Help("Messages of the camera outbox acknowledged on the cameras topic, by kind "
                           "(camera, or tombstone for a deleted camera)")
                     .Register(metrics)),
      failures_(prometheus::BuildCounter()
                    .Name("vigie_event_manager_camera_publish_failures_total")
                    .Help("Sends to the cameras topic not acknowledged in time or refused, each retried")
                    .Register(metrics)) {
  published_.Add({{"kind", "camera"}});
  published_.Add({{"kind", "tombstone"}});
  failures_.Add({});
}

CameraPublisher::~CameraPublisher() { stop(); }

void CameraPublisher::start() {
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void CameraPublisher::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

void CameraPublisher::run(std::stop_token stop) {
  queue_all_cameras(stop);
  milliseconds backoff = options_.initial_backoff;
  while (!stop.stop_requested()) {
    std::size_t published = 0;
    try {
      published = publish_batch(stop);
      backoff = options_.initial_backoff;
    } catch (const std::exception& e) {
      // The Database logs outages itself; anything else is worth an error line.
      if (!dynamic_cast<const storage::DatabaseUnavailable*>(&e))
        log::error("camera outbox not published: retrying", {{"error", e.what()}, {"retry_in_ms", backoff.count()}});
      pause(backoff, stop);
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    if (published < options_.batch_size) pause(options_.poll_interval, stop);
  }
}

void CameraPublisher::queue_all_cameras(std::stop_token stop) {
  milliseconds backoff = options_.initial_backoff;
  while (!stop.stop_requested()) {
    try {
      std::size_t count = 0;
      last_queued_at_start_ = database_.with_transaction(
          [&](pqxx::work& tx) -> int64_t {
            // Holds back changes until these rows are queued, so that none is queued
            // before the older state of its camera.
            tx.exec("SELECT id FROM cameras FOR SHARE");
            int64_t last = 0;
            const std::vector<StoredCamera> cameras = load_cameras(tx);
            for (const auto& stored : cameras) last = enqueue_camera(tx, stored.camera);
            count = cameras.size();
            return last;
          },
          kDatabasePatience, stop);
      log::info("every camera queued for the cameras topic", {{"cameras", count}});
      return;
    } catch (const std::exception& e) {
      if (!dynamic_cast<const storage::DatabaseUnavailable*>(&e))
        log::error("cannot queue the cameras for the cameras topic: retrying", {{"error", e.what()}});
      pause(backoff, stop);
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

std::size_t CameraPublisher::publish_batch(std::stop_token stop) {
  struct Outcome {
    std::size_t published = 0;
    bool caught_up = false;
  };
  const Outcome outcome = database_.with_transaction(
      [&](pqxx::work& tx) -> Outcome {
        Outcome out;
        // Another instance may hold it: then it publishes, and this one only looks.
        if (tx.exec_params1("SELECT pg_try_advisory_xact_lock($1)", kPublisherLock)[0].as<bool>()) {
          const pqxx::result rows = tx.exec_params(
              "SELECT id, camera_id, payload FROM camera_outbox ORDER BY id LIMIT $1", options_.batch_size);
          std::vector<std::string> done;
          for (const auto& row : rows) {
            const std::string camera_id = row[1].as<std::string>();
            std::optional<std::string> payload;
            if (!row[2].is_null()) payload = pqxx::binarystring(row[2]).str();
            if (!deliver(camera_id, payload ? &*payload : nullptr, stop)) break;
            done.push_back(row[0].as<std::string>());
          }
          if (!done.empty())
            tx.exec_params0("DELETE FROM camera_outbox WHERE id = ANY($1::bigint[])",
                            storage::text_array_literal(done));
          out.published = done.size();
        }
        out.caught_up = tx.exec_params1("SELECT NOT EXISTS (SELECT 1 FROM camera_outbox WHERE id <= $1)",
                                        last_queued_at_start_.load())[0]
                            .as<bool>();
        return out;
      },
      kDatabasePatience, stop);
  if (outcome.caught_up && !caught_up_.exchange(true))
    log::info("the cameras topic holds every camera of the database");
  return outcome.published;
}

bool CameraPublisher::deliver(const std::string& camera_id, const std::string* payload, std::stop_token stop) {
  v1::Camera camera;
  if (payload && !camera.ParseFromString(*payload))
    throw std::runtime_error("camera_outbox: the message for camera " + camera_id +
                             " does not parse as vigie.v1.Camera");
  milliseconds backoff = options_.initial_backoff;
  while (!stop.stop_requested()) {
    try {
      if (payload) producer_.send_and_wait(bus::Topic::cameras, camera_id, camera, {}, options_.send_timeout);
      else producer_.send_tombstone_and_wait(bus::Topic::cameras, camera_id, options_.send_timeout);
      published_.Add({{"kind", payload ? "camera" : "tombstone"}}).Increment();
      log::debug(payload ? "camera published" : "camera deletion published",
                 {{"camera", camera_id}, {"revision", camera.revision()}});
      return true;
    } catch (const bus::DeliveryError& e) {
      failures_.Add({}).Increment();
      log::warn("camera not published yet: retrying",
                {{"camera", camera_id}, {"error", e.what()}, {"retry_in_ms", backoff.count()}});
      pause(backoff, stop);
      // The message stays queued in the producer and leaves once the broker is
      // back: waiting for that makes an outage cost one duplicate, not one per retry.
      while (!stop.stop_requested() && !producer_.flush(std::chrono::seconds(1))) {
      }
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
  return false;
}

}  // namespace vigie::event_manager
