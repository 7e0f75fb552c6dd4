// vigie-inference: runs the cameras' analyses on the frames that moved and
// publishes detections.
#include <opencv2/core/utility.hpp>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <thread>

#include "hf_api_server.h"
#include "inference_service.h"
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
      "vigie-inference",
      "Runs the cameras' analyses on the frames that moved (motion topic) and publishes one\n"
      "detection per analysed frame and analysis (detections topic), keyed by camera id: local\n"
      "detectors (OpenCV DNN or ONNX Runtime on ONNX models, HOG, cascades) or a remote model\n"
      "behind the Hugging Face inference API, each analysis at its own frame rate. Serves its\n"
      "local detectors through that same API at /models/BACKEND/MODEL.",
      9403);
  bus::declare_settings(spec);
  inference::declare_settings(spec);
  auto loaded = spec.load(argc, argv);
  app::Runtime runtime("vigie-inference", loaded);
  auto config = bus::from_settings(loaded);
  auto settings = inference::read_settings(loaded);
  cv::setNumThreads(settings.opencv_threads);

  auto& remote_attempts = prometheus::BuildCounter()
                              .Name("vigie_inference_remote_requests_total")
                              .Help(
                                  "Requests to remote inference API endpoints, per outcome (ok, timeout, "
                                  "connection, http_429, http_5xx, http_4xx, bad_response)")
                              .Register(runtime.metrics().registry());
  for (const char* o : {"ok", "timeout", "connection", "http_429", "http_5xx", "http_4xx", "bad_response"})
    remote_attempts.Add({{"outcome", o}});
  settings.factory.remote.on_attempt = [&remote_attempts](std::string_view outcome) {
    remote_attempts.Add({{"outcome", std::string(outcome)}}).Increment();
  };
  inference::DetectorPool detectors(settings.factory);
  inference::serve_hf_api(runtime.admin(), detectors, settings.served);

  bus::ensure_topics(config,
                     {bus::Topic::cameras, bus::Topic::motion, bus::Topic::detections, bus::Topic::dlq});
  bus::Producer producer(config, "vigie-inference", runtime.metrics());
  inference::InferenceService service(
      settings.service, detectors,
      [&](const v1::Detection& d, std::string_view trace_id) {
        producer.send(bus::Topic::detections, d.camera_id(), d, trace_id);
      },
      runtime.metrics().registry());

  registry::CameraRegistry cameras(config, "vigie-inference", runtime.metrics(), producer);
  cameras.on_change(
      [&](const std::string& id, const v1::Camera* camera) { service.camera_changed(id, camera); });
  cameras.start();

  bus::ConsumerOptions options;
  options.group_id = settings.group;
  options.topics = {bus::Topic::motion};
  // A batch holds up to this many frames to analyse, each taking a detector's time:
  // small batches keep offsets committed often.
  options.max_batch = 20;
  options.validate = [&](const bus::Record& r) { return service.check(*r.as<v1::MotionEvent>(), r.key); };
  bus::Consumer motion(config, "vigie-inference", options, runtime.metrics(), producer);
  runtime.admin().add_readiness_check("kafka", [&] { return producer.connected() && motion.connected(); });
  runtime.admin().add_readiness_check("camera-registry", [&] { return cameras.loaded(); });

  // A frame analysed before its camera's analyses are known would be analysed
  // with none, or the wrong ones.
  auto stop = runtime.stop_token();
  while (!stop.stop_requested() && !cameras.loaded())
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  log::info("analysing motion", {{"group", options.group_id}, {"models", settings.factory.models_dir}});
  motion.run(stop, [&](std::vector<bus::Record>& batch) {
    for (const auto& r : batch) service.handle(*r.as<v1::MotionEvent>(), {r.trace_id, r.timestamp});
  });
  cameras.stop();
  return 0;
} catch (const std::exception& e) {
  vigie::log::error("vigie-inference stopped on an error", {{"error", e.what()}});
  return 1;
}
