// One camera, read on a thread of its own: connect, decode, sample at the
// analysis rate, encode what is published, and on any failure report it and
// reconnect with exponential backoff. A stream that stops delivering pictures
// (frozen) counts as a failure.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "frame_source.h"
#include "ingest_metrics.h"
#include "publisher.h"
#include "vigie/v1/camera.pb.h"

namespace vigie::ingest {

using SourceFactory = std::function<std::unique_ptr<FrameSource>(const SourceOptions&)>;

struct WorkerSettings {
  std::string instance;  // which ingest instance, reported in status
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  std::chrono::milliseconds status_interval{10'000};
  double default_fps = 5;
  int default_width = 640;
  std::chrono::milliseconds default_frozen_after{10'000};
  int jpeg_quality = 80;
};

class CameraWorker {
 public:
  // credentials_error, when not empty, says why the credentials could not be
  // read: the worker reports it and does not connect.
  CameraWorker(v1::Camera camera, std::string username, std::string password,
               std::string credentials_error, const WorkerSettings& settings,
               Publisher& publisher, SourceFactory factory, CameraMetrics metrics);
  // Stops and joins; a blocked read is interrupted through the stop flag.
  ~CameraWorker();
  CameraWorker(const CameraWorker&) = delete;
  CameraWorker& operator=(const CameraWorker&) = delete;

  const v1::Camera& camera() const { return camera_; }

 private:
  void run();
  void stream_once();
  void report(v1::CameraStatus::State state, const std::string& error = {});
  bool sleep_unless_stopped(std::chrono::milliseconds duration);

  v1::Camera camera_;
  std::string username_, password_, credentials_error_;
  WorkerSettings settings_;
  Publisher& publisher_;
  SourceFactory factory_;
  CameraMetrics metrics_;
  std::atomic<bool> stop_{false};

  // Owned by the worker thread.
  uint64_t sequence_ = 0;
  uint64_t published_ = 0;
  uint32_t reconnects_ = 0;
  std::string stream_id_;
  std::chrono::system_clock::time_point last_frame_time_{};
  double fps_ = 0;
  std::string last_error_;
  v1::CameraStatus::State state_ = v1::CameraStatus::STATE_UNSPECIFIED;
  std::chrono::steady_clock::time_point last_status_{};

  std::thread thread_;
};

}  // namespace vigie::ingest
