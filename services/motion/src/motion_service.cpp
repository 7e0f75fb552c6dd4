#include "motion_service.h"

#include <algorithm>
#include <deque>
#include <optional>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "vigie/log/log.h"

namespace vigie::motion {
namespace {

using Clock = std::chrono::steady_clock;

// Streams a camera has left, remembered so that their frames coming back in a
// retried batch are not taken for a new stream. Stream ids never come back.
constexpr size_t kLeftStreams = 8;

TimePoint to_time_point(const google::protobuf::Timestamp& t) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos())));
}

google::protobuf::Timestamp to_timestamp(TimePoint t) {
  // Whole seconds rounded down, so that nanos stay in 0..999999999 before 1970 too.
  auto seconds = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch());
  google::protobuf::Timestamp out;
  out.set_seconds(seconds.count());
  out.set_nanos(static_cast<int32_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch() - seconds).count()));
  return out;
}

v1::MotionEvent::Phase to_proto(Phase phase) {
  switch (phase) {
    case Phase::start: return v1::MotionEvent::PHASE_START;
    case Phase::update: return v1::MotionEvent::PHASE_UPDATE;
    case Phase::end: return v1::MotionEvent::PHASE_END;
    case Phase::none: break;
  }
  return v1::MotionEvent::PHASE_UNSPECIFIED;
}

}  // namespace

struct MotionService::Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : frames(prometheus::BuildCounter()
                   .Name("vigie_motion_frames_total")
                   .Help("Frames analysed, per camera")
                   .Register(registry)),
        skipped(prometheus::BuildCounter()
                    .Name("vigie_motion_frames_skipped_total")
                    .Help("Frames not analysed, per reason (replayed, camera_deleted, undecodable, "
                          "analysis_failed)")
                    .Register(registry)),
        started(prometheus::BuildCounter()
                    .Name("vigie_motion_events_started_total")
                    .Help("Motion events started, per camera")
                    .Register(registry)),
        ended(prometheus::BuildCounter()
                  .Name("vigie_motion_events_ended_total")
                  .Help("Motion events ended, per camera")
                  .Register(registry)),
        global_changes(prometheus::BuildCounter()
                           .Name("vigie_motion_global_changes_total")
                           .Help("Frames that changed too much at once to be motion (lights, "
                                 "exposure), per camera")
                           .Register(registry)),
        seconds(prometheus::BuildHistogram()
                    .Name("vigie_motion_frame_seconds")
                    .Help("Time to analyse one frame, JPEG decoding and publishing included")
                    .Register(registry)
                    .Add({}, prometheus::Histogram::BucketBoundaries{
                                 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1})),
        cameras(prometheus::BuildGauge()
                    .Name("vigie_motion_cameras")
                    .Help("Cameras whose background model lives on this instance")
                    .Register(registry)
                    .Add({})) {
    // Every reason from the start at 0, so that a rate over it is defined.
    for (const char* reason : {"replayed", "camera_deleted", "undecodable", "analysis_failed"})
      skipped.Add({{"reason", reason}});
  }

  prometheus::Family<prometheus::Counter>& frames;
  prometheus::Family<prometheus::Counter>& skipped;
  prometheus::Family<prometheus::Counter>& started;
  prometheus::Family<prometheus::Counter>& ended;
  prometheus::Family<prometheus::Counter>& global_changes;
  prometheus::Histogram& seconds;
  prometheus::Gauge& cameras;
};

struct MotionService::Camera {
  Camera(std::string camera_id, std::shared_ptr<const MotionSettings> s, Metrics& m)
      : id(std::move(camera_id)),
        settings(std::move(s)),
        detector(make_detector(settings->detector, settings->sensitivity)),
        tracker(*settings),
        frames(m.frames.Add({{"camera", id}})),
        started(m.started.Add({{"camera", id}})),
        ended(m.ended.Add({{"camera", id}})),
        global_changes(m.global_changes.Add({{"camera", id}})) {}

  std::string id;
  std::shared_ptr<const MotionSettings> settings;
  std::unique_ptr<MotionDetector> detector;
  std::optional<ForegroundRegions> regions;  // drawn at the first frame's sizes
  MotionTracker tracker;
  int32_t partition = 0;

  // The last frame handled: what an event ended without a frame refers to.
  bool seen = false;
  std::string stream_id;
  std::deque<std::string> left_streams;
  uint64_t sequence = 0;
  TimePoint capture_time;
  cv::Size frame_size;
  std::string trace_id;

  prometheus::Counter& frames;
  prometheus::Counter& started;
  prometheus::Counter& ended;
  prometheus::Counter& global_changes;
};

MotionService::MotionService(ServiceOptions options, Publish publish, prometheus::Registry& metrics)
    : options_(std::move(options)),
      publish_(std::move(publish)),
      metrics_(std::make_unique<Metrics>(metrics)),
      defaults_(std::make_shared<const MotionSettings>(options_.defaults)) {}

MotionService::~MotionService() = default;

void MotionService::camera_changed(const std::string& camera_id, const v1::Camera* camera) {
  std::lock_guard lock(mutex_);
  if (!camera) {
    configured_.erase(camera_id);
    deleted_.insert(camera_id);
    if (cameras_.count(camera_id)) {
      end(*cameras_[camera_id]);
      drop(camera_id);
      log::info("camera deleted: its motion state is dropped", {{"camera", camera_id}});
    }
    return;
  }
  deleted_.erase(camera_id);
  std::vector<std::string> problems;
  auto settings =
      std::make_shared<const MotionSettings>(resolve(camera->motion(), options_.defaults, problems));
  for (const auto& problem : problems)
    log::warn("motion setting refused", {{"camera", camera_id}, {"problem", problem}});
  auto& current = configured_[camera_id];
  if (!current || !(*current == *settings)) current = std::move(settings);
}

std::shared_ptr<const MotionSettings> MotionService::settings_for(const std::string& camera_id) const {
  auto it = configured_.find(camera_id);
  return it == configured_.end() ? defaults_ : it->second;
}

std::string MotionService::check(const v1::Frame& frame, std::string_view key) {
  if (frame.camera_id().empty()) return "frame without camera id";
  if (frame.camera_id() != key)
    return "camera id '" + frame.camera_id() + "' differs from the key '" + std::string(key) + "'";
  std::lock_guard lock(mutex_);
  try {
    decoder_.read_size(frame.jpeg());
  } catch (const JpegError& e) {
    return "camera " + frame.camera_id() + " frame " + std::to_string(frame.sequence()) + ": " + e.what();
  }
  return "";
}

MotionService::Camera& MotionService::camera_state(const std::string& camera_id) {
  auto& slot = cameras_[camera_id];
  if (!slot) {
    slot = std::make_unique<Camera>(camera_id, settings_for(camera_id), *metrics_);
    metrics_->cameras.Set(static_cast<double>(cameras_.size()));
    log::info("camera's motion analysis starts on this instance",
              {{"camera", camera_id}, {"detector", to_string(slot->settings->detector)},
               {"configured", configured_.count(camera_id) > 0}});
  }
  return *slot;
}

void MotionService::handle(const v1::Frame& frame, const FrameContext& context) {
  const auto started = Clock::now();
  std::lock_guard lock(mutex_);
  const std::string& id = frame.camera_id();
  if (deleted_.count(id)) return skip(frame, "camera_deleted");
  Camera& camera = camera_state(id);
  const auto& left = camera.left_streams;
  const bool of_a_left_stream = std::find(left.begin(), left.end(), frame.stream_id()) != left.end();
  const bool earlier =
      camera.seen && camera.stream_id == frame.stream_id() && frame.sequence() <= camera.sequence;
  if (of_a_left_stream || earlier) return skip(frame, "replayed");
  try {
    analyse(camera, frame, context);
  } catch (...) {
    // The camera's state went past a frame whose event was not published.
    drop(id);
    throw;
  }
  metrics_->seconds.Observe(std::chrono::duration<double>(Clock::now() - started).count());
}

void MotionService::analyse(Camera& camera, const v1::Frame& frame, const FrameContext& context) {
  camera.partition = context.partition;
  if (camera.seen && camera.stream_id != frame.stream_id()) {
    // The camera reconnected: its sequence and clock start again and the picture
    // may differ, so the episode ends and the background starts again.
    end(camera);
    camera.left_streams.push_back(camera.stream_id);
    if (camera.left_streams.size() > kLeftStreams) camera.left_streams.pop_front();
    camera.detector = make_detector(camera.settings->detector, camera.settings->sensitivity);
  }
  if (auto settings = settings_for(camera.id); settings != camera.settings) {
    if (settings->detector != camera.settings->detector) {
      camera.detector = make_detector(settings->detector, settings->sensitivity);
    } else {
      camera.detector->set_sensitivity(settings->sensitivity);
    }
    camera.settings = std::move(settings);
    camera.regions.reset();
    camera.tracker.configure(*camera.settings);
    log::info("motion settings applied",
              {{"camera", camera.id}, {"detector", to_string(camera.settings->detector)}});
  }

  camera.seen = true;
  camera.stream_id = frame.stream_id();
  camera.sequence = frame.sequence();
  camera.trace_id = context.trace_id;
  // Without a capture time (a source with no clock), the time ingest published it.
  camera.capture_time = frame.has_capture_time() ? to_time_point(frame.capture_time()) : context.published;

  try {
    camera.frame_size = decoder_.decode_gray(frame.jpeg(), options_.work_height, gray_);
    if (!camera.regions || camera.regions->work_size() != gray_.size() ||
        camera.regions->frame_size() != camera.frame_size)
      camera.regions.emplace(*camera.settings, gray_.size(), camera.frame_size);
    camera.detector->apply(gray_, foreground_);
    camera.regions->find(foreground_, observation_);
  } catch (const JpegError& e) {
    log::warn("frame not analysed", {{"camera", camera.id}, {"stream", frame.stream_id()},
                                     {"sequence", frame.sequence()}, {"error", e.what()}});
    return skip(frame, "undecodable");
  } catch (const cv::Exception& e) {
    // Retrying would fail the same way and hold the partition up for good.
    log::error("frame not analysed", {{"camera", camera.id}, {"stream", frame.stream_id()},
                                      {"sequence", frame.sequence()}, {"error", e.what()}});
    camera.detector = make_detector(camera.settings->detector, camera.settings->sensitivity);
    return skip(frame, "analysis_failed");
  }
  Step step = camera.tracker.observe(observation_, frame.sequence(), camera.capture_time);
  if (step.global_change) {
    camera.detector->restart(gray_);
    camera.global_changes.Increment();
  }
  if (step.phase != Phase::none) {
    bool stale = options_.now() - context.published > options_.stale_after;
    bool attach = step.attach_frame && (step.phase == Phase::start || !stale);
    publish(camera, step, &frame, &observation_, attach);
  }
  camera.frames.Increment();
}

void MotionService::publish(Camera& camera, const Step& step, const v1::Frame* frame,
                            const Observation* observation, bool attach) {
  v1::MotionEvent event;
  event.set_schema_version(1);
  event.set_event_id(event_id(camera.id, camera.stream_id, step.start_sequence));
  event.set_update(step.update);
  event.set_camera_id(camera.id);
  event.set_phase(to_proto(step.phase));
  event.set_stream_id(camera.stream_id);
  event.set_frame_sequence(camera.sequence);
  *event.mutable_capture_time() = to_timestamp(camera.capture_time);
  event.set_frame_width(static_cast<uint32_t>(camera.frame_size.width));
  event.set_frame_height(static_cast<uint32_t>(camera.frame_size.height));
  if (observation && step.phase != Phase::end) {
    for (const auto& b : observation->boxes) {
      auto* box = event.add_boxes();
      box->set_x(b.x);
      box->set_y(b.y);
      box->set_width(b.width);
      box->set_height(b.height);
    }
    for (const auto& zone : observation->zones) event.add_zones(zone);
    event.set_score(observation->changed_share);
  }
  if (attach && frame) event.set_frame_jpeg(frame->jpeg());
  publish_(event, camera.trace_id);

  if (step.phase == Phase::start) {
    camera.started.Increment();
    log::debug("motion started", {{"camera", camera.id}, {"event", event.event_id()},
                                  {"boxes", event.boxes_size()}});
  } else if (step.phase == Phase::end) {
    camera.ended.Increment();
    log::debug("motion ended",
               {{"camera", camera.id}, {"event", event.event_id()}, {"updates", step.update}});
  }
}

void MotionService::end(Camera& camera) {
  Step step = camera.tracker.close();
  if (step.phase == Phase::none) return;
  try {
    publish(camera, step, nullptr, nullptr, false);
  } catch (const std::exception& e) {
    // The episode ends here all the same; its consumers time it out.
    log::error("cannot publish the end of a motion event",
               {{"camera", camera.id},
                {"event", event_id(camera.id, camera.stream_id, step.start_sequence)},
                {"error", e.what()}});
  }
}

void MotionService::drop(const std::string& camera_id) {
  cameras_.erase(camera_id);
  metrics_->cameras.Set(static_cast<double>(cameras_.size()));
}

void MotionService::partitions_revoked(const std::vector<int32_t>& partitions) {
  std::lock_guard lock(mutex_);
  revoked_.insert(partitions.begin(), partitions.end());
}

void MotionService::partitions_assigned(const std::vector<int32_t>& partitions) {
  std::lock_guard lock(mutex_);
  for (int32_t p : partitions) revoked_.erase(p);
  release(revoked_);
  revoked_.clear();
}

void MotionService::release_revoked() {
  std::lock_guard lock(mutex_);
  release(revoked_);
  revoked_.clear();
}

void MotionService::release(const std::set<int32_t>& partitions) {
  std::vector<std::string> released;
  for (auto& [id, camera] : cameras_) {
    if (partitions.count(camera->partition)) released.push_back(id);
  }
  for (const auto& id : released) {
    end(*cameras_[id]);
    drop(id);
  }
  if (!released.empty())
    log::info("cameras no longer analysed here: their motion state is dropped",
              {{"cameras", released.size()}});
}

size_t MotionService::cameras() const {
  std::lock_guard lock(mutex_);
  return cameras_.size();
}

void MotionService::skip(const v1::Frame& frame, const char* reason) {
  metrics_->skipped.Add({{"reason", reason}}).Increment();
  log::debug("frame skipped", {{"camera", frame.camera_id()}, {"stream", frame.stream_id()},
                               {"sequence", frame.sequence()}, {"reason", reason}});
}

}  // namespace vigie::motion
