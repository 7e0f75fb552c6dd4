// The motion service without Kafka: frames in, motion events out through a
// callback. Per camera it keeps a background model, the camera's masks and zones
// drawn at the working size, and an episode tracker; the cameras' settings come
// from the registry and apply from each camera's next frame.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "foreground_regions.h"
#include "jpeg_scaled_decoder.h"
#include "motion_settings.h"
#include "motion_tracker.h"
#include "vigie/v1/camera.pb.h"
#include "vigie/v1/frame.pb.h"
#include "vigie/v1/motion.pb.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace vigie::motion {

struct ServiceOptions {
  MotionSettings defaults;  // for a camera not in the registry, and what a camera leaves unset
  // Height of the grey picture the detectors work on: a 640x360 frame decodes
  // straight to 160x90 at 1/4 scale.
  int work_height = 90;
  // A frame published longer ago than this (a backlog after an outage) is still
  // analysed, but updates do not carry it: starts always do.
  std::chrono::milliseconds stale_after{30'000};
  std::function<TimePoint()> now = [] { return std::chrono::system_clock::now(); };
};

// Where a frame came from on the bus.
struct FrameContext {
  std::string_view trace_id;
  int32_t partition = 0;
  TimePoint published;  // the Kafka timestamp
};

class MotionService {
 public:
  // Called for every event, in each camera's order, with the trace id of the
  // frame it stands for. May throw: the frame then counts as not handled.
  using Publish = std::function<void(const v1::MotionEvent& event, std::string_view trace_id)>;

  MotionService(ServiceOptions options, Publish publish, prometheus::Registry& metrics);
  ~MotionService();
  MotionService(const MotionService&) = delete;
  MotionService& operator=(const MotionService&) = delete;

  // From the registry's thread: a camera added or changed (null: deleted). A
  // deleted camera's open event ends and its state goes; its frames still in
  // flight are skipped until it is added again.
  void camera_changed(const std::string& camera_id, const v1::Camera* camera);

  // Why a frame cannot be analysed ("" when it can): it goes to the dead-letter
  // topic instead. key is its Kafka key.
  std::string check(const v1::Frame& frame, std::string_view key);

  // One frame, in its camera's order. A frame already handled (an earlier
  // sequence of the stream, or a stream the camera has left) is skipped: a batch
  // retried after a failure comes back whole. Throws what publish throws, after
  // dropping the camera's state so that its retried frames rebuild it.
  void handle(const v1::Frame& frame, const FrameContext& context);

  // The consumer group took these partitions away. An eager rebalance takes
  // every partition away before handing them out again, so their cameras' state
  // is kept until the next assignment says which ones come back.
  void partitions_revoked(const std::vector<int32_t>& partitions);
  // Cameras of partitions taken away and not given back end their open events
  // and lose their state: the new owner rebuilds it.
  void partitions_assigned(const std::vector<int32_t>& partitions);
  // The same for every partition taken away, when no assignment follows (stopping).
  void release_revoked();

  size_t cameras() const;

 private:
  struct Camera;
  struct Metrics;

  std::shared_ptr<const MotionSettings> settings_for(const std::string& camera_id) const;
  Camera& camera_state(const std::string& camera_id);
  void analyse(Camera& camera, const v1::Frame& frame, const FrameContext& context);
  void publish(Camera& camera, const Step& step, const v1::Frame* frame, const Observation* observation,
               bool attach);
  void end(Camera& camera);
  void drop(const std::string& camera_id);
  void release(const std::set<int32_t>& partitions);
  void skip(const v1::Frame& frame, const char* reason);

  ServiceOptions options_;
  Publish publish_;
  std::unique_ptr<Metrics> metrics_;
  std::shared_ptr<const MotionSettings> defaults_;

  // Taken by the registry's thread and the consumer's.
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const MotionSettings>> configured_;
  std::set<std::string> deleted_;
  std::map<std::string, std::unique_ptr<Camera>> cameras_;
  std::set<int32_t> revoked_;

  // Buffers reused from frame to frame.
  JpegScaledDecoder decoder_;
  cv::Mat gray_;
  cv::Mat foreground_;
  Observation observation_;
};

}  // namespace vigie::motion
