#include "camera_publisher.h"

#include <vector>

#include <pqxx/pqxx>

#include "camera_outbox.h"
#include "camera_rows.h"
#include "vigie/log/log.h"

namespace vigie::event_manager {
namespace {

OutboxTable camera_outbox_table() {
  return {.table = "camera_outbox",
          .key_column = "camera_id",
          .topic = bus::Topic::cameras,
          // "vigie.cp" in ASCII: held by the instance publishing a batch of the outbox.
          .lock_key = 0x7669676965'2e6370,
          .kind = "camera",
          .tombstones = true,
          .published_metric = "vigie_event_manager_cameras_published_total",
          .published_help =
              "Messages of the camera outbox acknowledged on the cameras topic, by kind "
              "(camera, or tombstone for a deleted camera)",
          .failures_metric = "vigie_event_manager_camera_publish_failures_total",
          .failures_help = "Sends to the cameras topic not acknowledged in time or refused, each retried"};
}

// How long queueing the camera set may wait for the database before it backs off and retries.
constexpr std::chrono::milliseconds kDatabasePatience{10'000};

}  // namespace

CameraPublisher::CameraPublisher(storage::Database& database, bus::Producer& producer, CameraPublisherOptions options,
                                 prometheus::Registry& metrics)
    : database_(database), outbox_(database, producer, camera_outbox_table(), options, metrics) {}

void CameraPublisher::start() {
  outbox_.start([this](std::stop_token stop) {
    std::size_t count = 0;
    outbox_.watch_through(database_.with_transaction(
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
        kDatabasePatience, stop));
    log::info("every camera queued for the cameras topic", {{"cameras", count}});
  });
}

}  // namespace vigie::event_manager
