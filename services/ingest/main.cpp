// vigie-ingest: turns cameras into frames on the bus. The cameras come from the
// cameras topic; several instances share them through the consumer group.
#include <unistd.h>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "bus_publisher.h"
#include "camera_manager.h"
#include "v4l2_scan.h"
#include "vigie/app/runtime.h"
#include "vigie/bus/consumer.h"
#include "vigie/bus/producer.h"
#include "vigie/bus/topic_admin.h"
#include "vigie/log/log.h"

int main(int argc, char** argv) {
  using namespace vigie;
  using namespace std::chrono_literals;
  auto spec = app::base_spec(
      "vigie-ingest",
      "Reads the cameras listed on the cameras topic (RTSP, HTTP MJPEG, JPEG snapshots,\n"
      "files, V4L2) and publishes their pictures as JPEG frames at the analysis size and\n"
      "rate on the frames topic, and each camera's status on the status topic. Several\n"
      "instances share the cameras: each camera is read by exactly one of them.",
      9401);
  bus::declare_settings(spec);
  spec.text("VIGIE_INGEST_INSTANCE", "", "this instance's name in status messages (default: host:pid)")
      .text("VIGIE_INGEST_GROUP", "vigie-ingest", "consumer group the ingest instances share the cameras in")
      .number("VIGIE_INGEST_DEFAULT_FPS", 5, 0.1, 60, "frames per second published when a camera sets none")
      .integer("VIGIE_INGEST_DEFAULT_WIDTH", 640, 64, 3840, "frame width when a camera sets none (aspect kept)")
      .duration("VIGIE_INGEST_FROZEN_AFTER", 10s, "no picture for this long: the stream is lost (unless the camera sets it)")
      .duration("VIGIE_INGEST_BACKOFF_MAX", 30s, "longest wait between two reconnection attempts")
      .duration("VIGIE_INGEST_STATUS_INTERVAL", 10s, "camera status is published on every change and this often")
      .integer("VIGIE_INGEST_JPEG_QUALITY", 80, 10, 100, "JPEG quality of published frames")
      .secret("VIGIE_FERNET_KEY", "Fernet key (base64url, 32 bytes) that decrypts cameras' credentials", false,
              crypto::Fernet::check_key)
      .flag("--scan-v4l2", "print the local V4L2 capture devices as JSON and exit");
  auto settings = spec.load(argc, argv);
  if (settings.flag("--scan-v4l2")) {
    std::puts(ingest::to_json(ingest::scan_v4l2()).dump(2).c_str());
    return 0;
  }

  app::Runtime runtime("vigie-ingest", settings);
  auto config = bus::from_settings(settings);
  bus::ensure_topics(config, {bus::Topic::cameras, bus::Topic::frames, bus::Topic::status, bus::Topic::dlq});

  ingest::WorkerSettings worker;
  worker.instance = settings.text("VIGIE_INGEST_INSTANCE");
  if (worker.instance.empty()) {
    char host[256] = "ingest";
    gethostname(host, sizeof host - 1);
    worker.instance = std::string(host) + ":" + std::to_string(getpid());
  }
  worker.default_fps = settings.number("VIGIE_INGEST_DEFAULT_FPS");
  worker.default_width = static_cast<int>(settings.integer("VIGIE_INGEST_DEFAULT_WIDTH"));
  worker.default_frozen_after = settings.duration("VIGIE_INGEST_FROZEN_AFTER");
  worker.max_backoff = settings.duration("VIGIE_INGEST_BACKOFF_MAX");
  worker.status_interval = settings.duration("VIGIE_INGEST_STATUS_INTERVAL");
  worker.jpeg_quality = static_cast<int>(settings.integer("VIGIE_INGEST_JPEG_QUALITY"));
  std::optional<crypto::Fernet> fernet;
  if (const auto& key = settings.text("VIGIE_FERNET_KEY"); !key.empty()) fernet = crypto::Fernet::from_key(key);

  bus::Producer producer(config, "vigie-ingest", runtime.metrics());
  // A camera worker waits at most this long for the broker before dropping a frame.
  producer.enqueue_timeout = 1s;
  ingest::BusPublisher publisher(producer);
  ingest::IngestMetrics metrics(runtime.metrics().registry());
  ingest::CameraManager manager(worker, publisher, ingest::make_source, metrics, fernet);

  bus::ConsumerOptions options;
  options.group_id = settings.text("VIGIE_INGEST_GROUP");
  options.topics = {bus::Topic::cameras};
  options.max_wait = 200ms;
  // Each assignment replays its partitions whole: the compacted topic is the registry.
  options.from_beginning_on_assign = true;
  options.validate = [](const bus::Record& r) -> std::string {
    const auto* c = r.as<v1::Camera>();
    if (c->id() != r.key) return "camera id '" + c->id() + "' differs from its key";
    return "";
  };
  options.on_revoked = [&](const std::vector<bus::PartitionRef>& parts) {
    std::vector<int32_t> ids;
    for (auto& p : parts) ids.push_back(p.partition);
    manager.release(ids);
  };
  bus::Consumer consumer(config, "vigie-ingest", options, runtime.metrics(), producer);

  auto& admin = runtime.admin();
  admin.add_readiness_check("kafka", [&] { return consumer.connected(); });
  admin.add_readiness_check("cameras", [&] { return consumer.caught_up(); });
  admin.route("GET", "/v4l2", [](const admin::Request&) {
    return admin::Response{200, "application/json", ingest::to_json(ingest::scan_v4l2()).dump() + "\n"};
  });
  admin.route("GET", "/cameras", [&](const admin::Request&) {
    return admin::Response{200, "application/json", nlohmann::json(manager.running()).dump() + "\n"};
  });

  log::info("ingest started", {{"instance", worker.instance}, {"group", options.group_id}});
  consumer.run(runtime.stop_token(), [&](std::vector<bus::Record>& batch) {
    for (auto& r : batch) manager.apply(r.key, r.as<v1::Camera>(), r.partition);
  });
  return 0;
}
