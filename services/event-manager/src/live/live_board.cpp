#include "live/live_board.h"

#include <google/protobuf/util/time_util.h>

namespace vigie::event_manager::live {
namespace {

std::string rfc3339(const google::protobuf::Timestamp& t) {
  return google::protobuf::util::TimeUtil::ToString(t);
}

const char* phase_name(v1::MotionEvent::Phase phase) {
  switch (phase) {
    case v1::MotionEvent::PHASE_START: return "start";
    case v1::MotionEvent::PHASE_UPDATE: return "update";
    case v1::MotionEvent::PHASE_END: return "end";
    default: return "unspecified";
  }
}

const char* level_name(v1::Detection::Level level) {
  switch (level) {
    case v1::Detection::LEVEL_NONE: return "none";
    case v1::Detection::LEVEL_PROBABLE: return "probable";
    case v1::Detection::LEVEL_POSITIVE: return "positive";
    default: return "unspecified";
  }
}

nlohmann::json box_json(const v1::Box& b) {
  return {{"x", b.x()}, {"y", b.y()}, {"width", b.width()}, {"height", b.height()}};
}

}  // namespace

void LiveBoard::apply(const v1::Frame& frame) {
  if (frame.camera_id().empty() || frame.jpeg().empty()) return;
  auto next = std::make_shared<LiveFrame>();
  next->camera_id = frame.camera_id();
  next->stream_id = frame.stream_id();
  next->sequence = frame.sequence();
  next->width = frame.width();
  next->height = frame.height();
  next->capture_time = rfc3339(frame.capture_time());
  next->jpeg = frame.jpeg();
  {
    std::lock_guard lock(mutex_);
    auto& camera = cameras_[frame.camera_id()];
    if (camera.frame && camera.frame->stream_id == frame.stream_id() && camera.frame->sequence >= frame.sequence())
      return;
    next->version = ++camera.versions;
    camera.frame = std::move(next);
  }
  changed_.notify_all();
}

void LiveBoard::apply(const v1::MotionEvent& event) {
  if (event.camera_id().empty()) return;
  std::lock_guard lock(mutex_);
  auto& camera = cameras_[event.camera_id()];
  if (event.phase() == v1::MotionEvent::PHASE_END) {
    camera.motion.reset();
    return;
  }
  Motion m;
  m.capture_time = rfc3339(event.capture_time());
  m.frame_width = event.frame_width();
  m.frame_height = event.frame_height();
  m.score = event.score();
  m.phase = phase_name(event.phase());
  m.boxes.assign(event.boxes().begin(), event.boxes().end());
  camera.motion = std::move(m);
}

void LiveBoard::apply(const v1::Detection& detection) {
  if (detection.camera_id().empty()) return;
  std::lock_guard lock(mutex_);
  Detection d;
  d.capture_time = rfc3339(detection.capture_time());
  d.level = level_name(detection.level());
  d.frame_width = detection.frame_width();
  d.frame_height = detection.frame_height();
  d.objects.assign(detection.objects().begin(), detection.objects().end());
  // A negative result replaces the analysis's earlier boxes: they are gone.
  cameras_[detection.camera_id()].detections[detection.analysis()] = std::move(d);
}

std::shared_ptr<const LiveFrame> LiveBoard::latest(const std::string& camera_id) const {
  std::lock_guard lock(mutex_);
  auto it = cameras_.find(camera_id);
  return it == cameras_.end() ? nullptr : it->second.frame;
}

std::shared_ptr<const LiveFrame> LiveBoard::wait_newer(const std::string& camera_id, uint64_t after_version,
                                                       std::chrono::milliseconds timeout, std::stop_token stop) {
  std::unique_lock lock(mutex_);
  std::shared_ptr<const LiveFrame> found;
  changed_.wait_for(lock, stop, timeout, [&] {
    if (closed_) return true;
    auto it = cameras_.find(camera_id);
    if (it != cameras_.end() && it->second.frame && it->second.frame->version > after_version) {
      found = it->second.frame;
      return true;
    }
    return false;
  });
  return closed_ ? nullptr : found;
}

nlohmann::json LiveBoard::overlay(const std::string& camera_id) const {
  nlohmann::json out = {{"camera_id", camera_id}, {"frame", nullptr}, {"motion", nullptr},
                        {"detections", nlohmann::json::array()}};
  std::lock_guard lock(mutex_);
  auto it = cameras_.find(camera_id);
  if (it == cameras_.end()) return out;
  const Camera& camera = it->second;
  if (camera.frame)
    out["frame"] = {{"sequence", camera.frame->sequence},
                    {"width", camera.frame->width},
                    {"height", camera.frame->height},
                    {"capture_time", camera.frame->capture_time}};
  if (camera.motion) {
    auto boxes = nlohmann::json::array();
    for (const auto& b : camera.motion->boxes) boxes.push_back(box_json(b));
    out["motion"] = {{"capture_time", camera.motion->capture_time},
                     {"frame_width", camera.motion->frame_width},
                     {"frame_height", camera.motion->frame_height},
                     {"score", camera.motion->score},
                     {"phase", camera.motion->phase},
                     {"boxes", std::move(boxes)}};
  }
  for (const auto& [analysis, d] : camera.detections) {
    auto objects = nlohmann::json::array();
    for (const auto& o : d.objects)
      objects.push_back({{"label", o.label()}, {"score", o.score()}, {"box", box_json(o.box())}});
    out["detections"].push_back({{"analysis", analysis},
                                 {"level", d.level},
                                 {"capture_time", d.capture_time},
                                 {"frame_width", d.frame_width},
                                 {"frame_height", d.frame_height},
                                 {"objects", std::move(objects)}});
  }
  return out;
}

void LiveBoard::clear() {
  std::lock_guard lock(mutex_);
  // Versions go on from where they were, so a viewer never mistakes an old
  // version number for a new frame after the board refills.
  for (auto& [id, camera] : cameras_) {
    camera.frame.reset();
    camera.motion.reset();
    camera.detections.clear();
  }
}

void LiveBoard::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

}  // namespace vigie::event_manager::live
