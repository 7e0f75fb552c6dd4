#include "camera_worker.h"

#include <random>

#include <google/protobuf/util/time_util.h>

#include "frame_encoder.h"
#include "frame_sampler.h"
#include "vigie/bus/topics.h"
#include "vigie/log/log.h"

namespace vigie::ingest {
namespace {

using google::protobuf::util::TimeUtil;

std::string new_stream_id() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

google::protobuf::Timestamp to_timestamp(std::chrono::system_clock::time_point t) {
  return TimeUtil::MicrosecondsToTimestamp(
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

const char* state_name(v1::CameraStatus::State s) {
  return v1::CameraStatus::State_Name(s).c_str() + sizeof("STATE_") - 1;
}

}  // namespace

CameraWorker::CameraWorker(v1::Camera camera, std::string username, std::string password,
                           std::string credentials_error, const WorkerSettings& settings,
                           Publisher& publisher, SourceFactory factory, CameraMetrics metrics)
    : camera_(std::move(camera)),
      username_(std::move(username)),
      password_(std::move(password)),
      credentials_error_(std::move(credentials_error)),
      settings_(settings),
      publisher_(publisher),
      factory_(std::move(factory)),
      metrics_(metrics) {
  thread_ = std::thread([this] { run(); });
}

CameraWorker::~CameraWorker() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  metrics_.up.Set(0);
}

bool CameraWorker::sleep_unless_stopped(std::chrono::milliseconds duration) {
  auto until = std::chrono::steady_clock::now() + duration;
  while (!stop_ && std::chrono::steady_clock::now() < until) {
    if (std::chrono::steady_clock::now() - last_status_ >= settings_.status_interval) report(state_);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !stop_;
}

void CameraWorker::report(v1::CameraStatus::State state, const std::string& error) {
  bool changed = state != state_ || (!error.empty() && error != last_error_);
  state_ = state;
  if (!error.empty()) last_error_ = error;
  v1::CameraStatus s;
  s.set_schema_version(bus::kSchemaVersion);
  s.set_camera_id(camera_.id());
  s.set_state(state);
  s.set_fps(static_cast<float>(fps_));
  if (last_frame_time_.time_since_epoch().count() != 0) *s.mutable_last_frame_time() = to_timestamp(last_frame_time_);
  s.set_last_error(last_error_);
  s.set_instance(settings_.instance);
  *s.mutable_time() = TimeUtil::GetCurrentTime();
  s.set_frames_published(published_);
  s.set_reconnects(reconnects_);
  s.set_stream_id(stream_id_);
  publisher_.publish_status(s);
  last_status_ = std::chrono::steady_clock::now();
  metrics_.up.Set(state == v1::CameraStatus::STATE_CONNECTED ? 1 : 0);
  if (changed) {
    log::Level level = state == v1::CameraStatus::STATE_CONNECTED || state == v1::CameraStatus::STATE_CONNECTING
                           ? log::Level::info
                           : log::Level::warn;
    log::write(level, "camera status", {{"camera", camera_.id()}, {"state", state_name(state)}, {"error", error}});
  }
}

void CameraWorker::run() {
  if (!credentials_error_.empty()) {
    report(v1::CameraStatus::STATE_STREAM_LOST, credentials_error_);
    while (sleep_unless_stopped(std::chrono::milliseconds(200))) {
    }
    return;
  }
  report(v1::CameraStatus::STATE_CONNECTING);
  auto backoff = settings_.initial_backoff;
  while (!stop_) {
    try {
      stream_once();
    } catch (const SourceError& e) {
      if (stop_) break;  // interrupted because the camera stops: nothing to report
      // Lost after pictures came: "stream lost"; never connected: "reconnecting".
      fps_ = 0;
      metrics_.fps.Set(0);
      if (state_ == v1::CameraStatus::STATE_CONNECTED) {
        report(v1::CameraStatus::STATE_STREAM_LOST, e.what());
        backoff = settings_.initial_backoff;
      }
      report(v1::CameraStatus::STATE_RECONNECTING, e.what());
    }
    if (stop_ || !sleep_unless_stopped(backoff)) break;
    backoff = std::min(backoff * 2, settings_.max_backoff);
    ++reconnects_;
    metrics_.reconnects.Increment();
  }
}

void CameraWorker::stream_once() {
  SourceOptions options;
  options.source = camera_.analysis_stream();
  options.username = username_;
  options.password = password_;
  options.keyframes_only = camera_.frames().decode_mode() == v1::FrameSettings::DECODE_MODE_KEYFRAMES;
  options.timeout = camera_.frames().frozen_after_ms() > 0
                        ? std::chrono::milliseconds(camera_.frames().frozen_after_ms())
                        : settings_.default_frozen_after;
  double fps = camera_.frames().fps() > 0 ? camera_.frames().fps() : settings_.default_fps;
  int width = camera_.frames().width() > 0 ? static_cast<int>(camera_.frames().width()) : settings_.default_width;

  auto source = factory_(options);
  source->open(stop_);
  stream_id_ = new_stream_id();
  FrameSampler sampler(fps);
  FrameEncoder encoder(width, settings_.jpeg_quality);
  Picture picture;
  auto window_start = std::chrono::steady_clock::now();
  int window_pictures = 0;
  bool first = true;

  while (!stop_ && source->next(picture, stop_)) {
    last_frame_time_ = picture.capture_time;
    ++window_pictures;
    auto now = std::chrono::steady_clock::now();
    if (now - window_start >= std::chrono::seconds(2)) {
      fps_ = window_pictures / std::chrono::duration<double>(now - window_start).count();
      metrics_.fps.Set(fps_);
      window_start = now;
      window_pictures = 0;
    }
    if (first) {
      first = false;
      report(v1::CameraStatus::STATE_CONNECTED);
    } else if (now - last_status_ >= settings_.status_interval) {
      report(state_);
    }
    if (!sampler.take(picture.capture_time)) continue;

    auto encoded = encoder.encode(picture);
    v1::Frame frame;
    frame.set_schema_version(bus::kSchemaVersion);
    frame.set_camera_id(camera_.id());
    frame.set_sequence(sequence_);
    frame.set_stream_id(stream_id_);
    *frame.mutable_capture_time() = to_timestamp(picture.capture_time);
    frame.set_width(static_cast<uint32_t>(encoded.width));
    frame.set_height(static_cast<uint32_t>(encoded.height));
    frame.set_jpeg(std::move(encoded.jpeg));
    frame.set_keyframe(picture.keyframe);
    if (publisher_.publish_frame(frame)) {
      ++sequence_;
      ++published_;
      metrics_.published.Increment();
    } else {
      metrics_.dropped.Increment();
    }
  }
}

}  // namespace vigie::ingest
