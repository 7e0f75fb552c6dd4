// vigie-motion: finds motion in the cameras' frames and publishes motion events.
#include <opencv2/core/utility.hpp>

#include <thread>

#include "motion_service.h"
#include "service_settings.h"
#include "vigie/app/runtime.h"
#include "vigie/bus/bus_config.h"
#include "vigie/bus/consumer.h"
#include "vigie/bus/producer.h"
#include "vigie/bus/topic_admin.h"
#include "vigie/log/log.h"
#include "vigie/registry/camera_registry.h"

int main(int argc, char** argv) try {
  using namespace vigie;
  auto spec = app::base_spec(
      "vigie-motion",
      "Finds motion in the cameras' frames (frames topic) and publishes motion events\n"
      "(start / update / end, boxes, zones, score, the frame) on the motion topic, keyed by\n"
      "camera id. One background model per camera, on the one instance that owns the\n"
      "camera's partition. Per-camera settings come from the cameras topic and apply live.",
      9402);
  bus::declare_settings(spec);
  motion::declare_settings(spec);
  auto settings = spec.load(argc, argv);
  app::Runtime runtime("vigie-motion", settings);
  auto config = bus::from_settings(settings);
  // Pictures of ~160x90 pixels: handing them to worker threads costs more than it
  // saves. Instances scale out by partitions instead.
  cv::setNumThreads(1);

  bus::ensure_topics(config,
                     {bus::Topic::cameras, bus::Topic::frames, bus::Topic::motion, bus::Topic::dlq});
  bus::Producer producer(config, "vigie-motion", runtime.metrics());
  motion::MotionService service(
      motion::service_options(settings),
      [&](const v1::MotionEvent& event, std::string_view trace_id) {
        producer.send(bus::Topic::motion, event.camera_id(), event, trace_id);
      },
      runtime.metrics().registry());

  registry::CameraRegistry cameras(config, "vigie-motion", runtime.metrics(), producer);
  cameras.on_change(
      [&](const std::string& id, const v1::Camera* camera) { service.camera_changed(id, camera); });
  cameras.start();

  bus::ConsumerOptions options;
  options.group_id = settings.text("VIGIE_MOTION_GROUP");
  options.topics = {bus::Topic::frames};
  options.validate = [&](const bus::Record& r) { return service.check(*r.as<v1::Frame>(), r.key); };
  auto numbers = [](const std::vector<bus::PartitionRef>& partitions) {
    std::vector<int32_t> out;
    for (const auto& p : partitions) out.push_back(p.partition);
    return out;
  };
  options.on_revoked = [&](const std::vector<bus::PartitionRef>& p) {
    service.partitions_revoked(numbers(p));
  };
  options.on_assigned = [&](const std::vector<bus::PartitionRef>& p) {
    service.partitions_assigned(numbers(p));
  };
  bus::Consumer frames(config, "vigie-motion", options, runtime.metrics(), producer);
  runtime.admin().add_readiness_check("kafka", [&] { return producer.connected() && frames.connected(); });
  runtime.admin().add_readiness_check("camera-registry", [&] { return cameras.loaded(); });

  // A frame analysed before its camera's masks are known could start an event in
  // a masked area.
  auto stop = runtime.stop_token();
  while (!stop.stop_requested() && !cameras.loaded())
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  log::info("analysing frames", {{"group", options.group_id}});
  frames.run(stop, [&](std::vector<bus::Record>& batch) {
    for (const auto& r : batch)
      service.handle(*r.as<v1::Frame>(), {r.trace_id, r.partition, r.timestamp});
  });
  // Leaving the group took every partition away: the cameras' open events end.
  service.release_revoked();
  cameras.stop();
  return 0;
} catch (const std::exception& e) {
  vigie::log::error("vigie-motion stopped on an error", {{"error", e.what()}});
  return 1;
}
