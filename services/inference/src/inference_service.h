// The inference service without Kafka: motion events in, detections out through
// a callback. For each frame that moved (a motion event carrying its frame), the
// camera's analyses that are due at their own frame rate run their detector,
// once per detector for all the analyses sharing it, and each gets a Detection:
// level, objects in frame coordinates, model, latency, and the frame as evidence
// when positive.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyses.h"
#include "detector_pool.h"
#include "vigie/v1/camera.pb.h"
#include "vigie/v1/detection.pb.h"
#include "vigie/v1/motion.pb.h"

namespace prometheus {
class Registry;
}

namespace vigie::inference {

using TimePoint = std::chrono::system_clock::time_point;

struct ServiceOptions {
  AnalysisDefaults defaults;
  float probable_ratio = 0.5f;  // probable from this share of an analysis's minimum score
  double crop_ratio = 2.0;      // crop around motion when the frame is this many times the model input
  std::function<TimePoint()> now = [] { return std::chrono::system_clock::now(); };
};

// Where a motion event came from on the bus.
struct EventContext {
  std::string_view trace_id;
  TimePoint published;  // the Kafka timestamp
};

class InferenceService {
 public:
  // Called for every detection, in each camera's order, with the trace id of the
  // motion event. May throw: the event then counts as not handled.
  using Publish = std::function<void(const v1::Detection& detection, std::string_view trace_id)>;

  InferenceService(ServiceOptions options, DetectorPool& detectors, Publish publish,
                   prometheus::Registry& metrics);
  ~InferenceService();
  InferenceService(const InferenceService&) = delete;
  InferenceService& operator=(const InferenceService&) = delete;

  // From the registry's thread: a camera added or changed (null: deleted).
  void camera_changed(const std::string& camera_id, const v1::Camera* camera);

  // Why a motion event cannot be handled ("" when it can): it goes to the
  // dead-letter topic instead. key is its Kafka key.
  std::string check(const v1::MotionEvent& event, std::string_view key) const;

  // One motion event, in its camera's order. A detector that fails (a remote
  // endpoint down, a model missing) is logged and counted, and that analysis
  // gets no detection for this frame: the event is handled all the same, never
  // retried. Throws what publish throws, after forgetting the camera's rates so
  // that the retried events are analysed again.
  void handle(const v1::MotionEvent& event, const EventContext& context);

  // The analyses a camera runs now (tests, logs).
  std::vector<AnalysisPlan> analyses_of(const std::string& camera_id) const;

 private:
  struct Metrics;

  void analyse(const v1::MotionEvent& event, TimePoint capture_time, const std::vector<AnalysisPlan>& due,
               std::string_view trace_id);

  ServiceOptions options_;
  DetectorPool& detectors_;
  Publish publish_;
  std::unique_ptr<Metrics> metrics_;

  mutable std::mutex mutex_;  // taken by the registry's thread and the consumer's
  std::map<std::string, std::vector<AnalysisPlan>> plans_;
  std::vector<AnalysisPlan> unknown_camera_plans_;
  // Per camera and analysis: the stream and capture time of the last analysed frame.
  struct Last {
    std::string stream_id;
    TimePoint capture_time;
  };
  std::map<std::string, std::map<std::string, Last>> last_;
};

}  // namespace vigie::inference
