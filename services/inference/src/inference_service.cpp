#include "inference_service.h"

#include <algorithm>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <opencv2/imgcodecs.hpp>

#include "motion_crop.h"
#include "verdict.h"
#include "vigie/log/log.h"

namespace vigie::inference {
namespace {

using Clock = std::chrono::steady_clock;

TimePoint to_time_point(const google::protobuf::Timestamp& t) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::seconds(t.seconds()) +
                                                                   std::chrono::nanoseconds(t.nanos())));
}

const char* level_name(v1::Detection::Level level) {
  switch (level) {
    case v1::Detection::LEVEL_POSITIVE: return "positive";
    case v1::Detection::LEVEL_PROBABLE: return "probable";
    default: return "none";
  }
}

}  // namespace

struct InferenceService::Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : events(prometheus::BuildCounter()
                   .Name("vigie_inference_motion_events_total")
                   .Help("Motion events read, per outcome: analysed, no_frame (nothing to analyse), "
                         "no_analysis (the camera runs none), rate_limited (no analysis due at its frame "
                         "rate), undecodable")
                   .Register(registry)),
        detections(prometheus::BuildCounter()
                       .Name("vigie_inference_detections_total")
                       .Help("Detections published, per analysis and level")
                       .Register(registry)),
        errors(prometheus::BuildCounter()
                   .Name("vigie_inference_errors_total")
                   .Help("Analyses that got no detection because their detector failed, per kind (timeout, "
                         "connection, http_5xx, http_429, http_4xx, unauthorized, bad_response, unavailable, "
                         "model)")
                   .Register(registry)),
        detector_seconds(prometheus::BuildHistogram()
                             .Name("vigie_inference_detector_seconds")
                             .Help("Time one detector took on one frame, per back-end")
                             .Register(registry)),
        latency(
            prometheus::BuildHistogram()
                .Name("vigie_inference_latency_seconds")
                .Help("From a frame's capture to its detections")
                .Register(registry)
                .Add({}, prometheus::Histogram::BucketBoundaries{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60})) {
    for (const char* outcome : {"analysed", "no_frame", "no_analysis", "rate_limited", "undecodable"})
      events.Add({{"outcome", outcome}});
    for (const char* kind : {"timeout", "connection", "http_5xx", "http_429", "http_4xx", "unauthorized",
                             "bad_response", "unavailable", "model"})
      errors.Add({{"kind", kind}});
  }

  prometheus::Histogram& detector_histogram(const std::string& backend) {
    return detector_seconds.Add(
        {{"backend", backend}},
        prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  }

  prometheus::Family<prometheus::Counter>& events;
  prometheus::Family<prometheus::Counter>& detections;
  prometheus::Family<prometheus::Counter>& errors;
  prometheus::Family<prometheus::Histogram>& detector_seconds;
  prometheus::Histogram& latency;
};

InferenceService::InferenceService(ServiceOptions options, DetectorPool& detectors, Publish publish,
                                   prometheus::Registry& metrics)
    : options_(std::move(options)),
      detectors_(detectors),
      publish_(std::move(publish)),
      metrics_(std::make_unique<Metrics>(metrics)) {
  std::vector<std::string> problems;
  unknown_camera_plans_ = plan_analyses(nullptr, options_.defaults, problems);
  for (const auto& p : problems) log::warn("analysis refused", {{"problem", p}});
}

InferenceService::~InferenceService() = default;

void InferenceService::camera_changed(const std::string& camera_id, const v1::Camera* camera) {
  std::vector<std::string> problems;
  auto plans = camera ? plan_analyses(camera, options_.defaults, problems) : std::vector<AnalysisPlan>{};
  for (const auto& p : problems) log::warn("analysis refused", {{"camera", camera_id}, {"problem", p}});
  std::lock_guard lock(mutex_);
  if (!camera) {
    plans_.erase(camera_id);
    last_.erase(camera_id);
    return;
  }
  auto& current = plans_[camera_id];
  if (current != plans) {
    std::string names;
    for (const auto& p : plans) names += (names.empty() ? "" : ",") + p.name + "=" + p.detector.text();
    log::info("camera's analyses", {{"camera", camera_id}, {"analyses", names}});
    current = std::move(plans);
  }
}

std::vector<AnalysisPlan> InferenceService::analyses_of(const std::string& camera_id) const {
  std::lock_guard lock(mutex_);
  auto it = plans_.find(camera_id);
  return it == plans_.end() ? unknown_camera_plans_ : it->second;
}

std::string InferenceService::check(const v1::MotionEvent& event, std::string_view key) const {
  if (event.camera_id().empty()) return "motion event without camera id";
  if (event.camera_id() != key)
    return "camera id '" + event.camera_id() + "' differs from the key '" + std::string(key) + "'";
  return "";
}

void InferenceService::handle(const v1::MotionEvent& event, const EventContext& context) {
  if (event.frame_jpeg().empty()) {
    metrics_->events.Add({{"outcome", "no_frame"}}).Increment();
    return;
  }
  const std::string& camera = event.camera_id();
  const TimePoint capture =
      event.has_capture_time() ? to_time_point(event.capture_time()) : context.published;
  std::vector<AnalysisPlan> due;
  {
    std::lock_guard lock(mutex_);
    auto it = plans_.find(camera);
    const auto& plans = it == plans_.end() ? unknown_camera_plans_ : it->second;
    if (plans.empty()) {
      metrics_->events.Add({{"outcome", "no_analysis"}}).Increment();
      return;
    }
    for (const auto& plan : plans) {
      auto& last = last_[camera][plan.name];
      // Frames are analysed at the analysis's own rate, by capture time, with 10 %
      // slack for the jitter of capture clocks (frames 0.199 s apart are due at
      // 5 fps); an earlier frame of the same stream (a replay) is never due again.
      const auto interval =
          std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(0.9 / plan.fps));
      if (last.stream_id == event.stream_id() && capture < last.capture_time + interval) continue;
      last = {event.stream_id(), capture};
      due.push_back(plan);
    }
  }
  if (due.empty()) {
    metrics_->events.Add({{"outcome", "rate_limited"}}).Increment();
    return;
  }
  try {
    analyse(event, capture, due, context.trace_id);
  } catch (...) {
    // Detections of this event may not have been published: its retry must find
    // the analyses due again.
    std::lock_guard lock(mutex_);
    last_.erase(camera);
    throw;
  }
}

void InferenceService::analyse(const v1::MotionEvent& event, TimePoint capture_time,
                               const std::vector<AnalysisPlan>& due, std::string_view trace_id) {
  const std::string& jpeg = event.frame_jpeg();
  cv::Mat frame;
  try {
    frame = cv::imdecode(cv::_InputArray(jpeg.data(), static_cast<int>(jpeg.size())), cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    frame.release();
  }
  if (frame.empty()) {
    metrics_->events.Add({{"outcome", "undecodable"}}).Increment();
    log::warn("motion event's frame cannot be decoded: skipped",
              {{"camera", event.camera_id()}, {"event", event.event_id()}, {"update", event.update()}});
    return;
  }
  metrics_->events.Add({{"outcome", "analysed"}}).Increment();
  std::vector<cv::Rect2f> motion_boxes;
  for (const auto& b : event.boxes()) motion_boxes.emplace_back(b.x(), b.y(), b.width(), b.height());

  // One run per detector, for every due analysis that names it.
  std::map<std::string, std::vector<const AnalysisPlan*>> by_detector;
  for (const auto& plan : due) by_detector[plan.detector.text()].push_back(&plan);

  std::vector<v1::Detection> out;
  for (const auto& [detector_name, plans] : by_detector) {
    const DetectorSpec& spec = plans.front()->detector;
    float threshold = 1;
    for (const auto* p : plans) threshold = std::min(threshold, p->min_score * options_.probable_ratio);
    std::vector<DetectedObject> found;
    try {
      detectors_.use(spec, [&](Detector& detector) {
        const cv::Rect crop =
            motion_crop(frame.size(), detector.input_size(), motion_boxes, options_.crop_ratio);
        const bool whole = crop.size() == frame.size();
        const cv::Mat region = whole ? frame : frame(crop);
        const auto started = Clock::now();
        found = detector.detect({region, whole ? std::string_view(jpeg) : std::string_view()}, threshold);
        metrics_->detector_histogram(spec.backend)
            .Observe(std::chrono::duration<double>(Clock::now() - started).count());
        for (auto& o : found) o.box += cv::Point2f(static_cast<float>(crop.x), static_cast<float>(crop.y));
      });
    } catch (const DetectorError& e) {
      metrics_->errors.Add({{"kind", e.kind()}}).Increment();
      for (const auto* p : plans)
        log::error("analysis failed: no detection for this frame", {{"camera", event.camera_id()},
                                                                    {"analysis", p->name},
                                                                    {"model", detector_name},
                                                                    {"kind", e.kind()},
                                                                    {"error", e.what()},
                                                                    {"event", event.event_id()}});
      continue;
    } catch (const std::exception& e) {
      metrics_->errors.Add({{"kind", "model"}}).Increment();
      for (const auto* p : plans)
        log::error("analysis failed: no detection for this frame", {{"camera", event.camera_id()},
                                                                    {"analysis", p->name},
                                                                    {"model", detector_name},
                                                                    {"kind", "model"},
                                                                    {"error", e.what()},
                                                                    {"event", event.event_id()}});
      continue;
    }
    const auto done = options_.now();
    const float latency_ms = std::chrono::duration<float, std::milli>(done - capture_time).count();
    for (const auto* plan : plans) {
      const Verdict verdict = judge(found, plan->labels, plan->min_score, options_.probable_ratio);
      v1::Detection& d = out.emplace_back();
      d.set_schema_version(1);
      d.set_detection_id(event.camera_id() + "/" + event.stream_id() + "/" +
                         std::to_string(event.frame_sequence()) + "/" + plan->name);
      d.set_camera_id(event.camera_id());
      d.set_analysis(plan->name);
      d.set_level(verdict.level);
      for (const auto& o : verdict.objects) {
        auto* obj = d.add_objects();
        obj->set_label(o.label);
        obj->set_score(o.score);
        obj->mutable_box()->set_x(o.box.x);
        obj->mutable_box()->set_y(o.box.y);
        obj->mutable_box()->set_width(o.box.width);
        obj->mutable_box()->set_height(o.box.height);
      }
      d.set_model(detector_name);
      d.set_stream_id(event.stream_id());
      d.set_frame_sequence(event.frame_sequence());
      *d.mutable_capture_time() = event.capture_time();
      d.set_motion_event_id(event.event_id());
      d.set_latency_ms(latency_ms);
      d.set_frame_width(event.frame_width() ? event.frame_width() : static_cast<uint32_t>(frame.cols));
      d.set_frame_height(event.frame_height() ? event.frame_height() : static_cast<uint32_t>(frame.rows));
      if (verdict.level == v1::Detection::LEVEL_POSITIVE) d.set_frame_jpeg(jpeg);
    }
    metrics_->latency.Observe(latency_ms / 1000.0);
  }
  for (const auto& d : out) {
    publish_(d, trace_id);
    metrics_->detections.Add({{"analysis", d.analysis()}, {"level", level_name(d.level())}}).Increment();
  }
}

}  // namespace vigie::inference
