// What the live view shows of each camera: its latest frame (JPEG), the boxes of
// its latest motion message and of its latest detection per analysis. Fed from
// the frames, motion and detections topics; read by the MJPEG stream (which
// waits for each next frame) and the overlay endpoint. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vigie/v1/detection.pb.h"
#include "vigie/v1/frame.pb.h"
#include "vigie/v1/motion.pb.h"

namespace vigie::event_manager::live {

struct LiveFrame {
  std::string camera_id;
  std::string stream_id;
  uint64_t sequence = 0;
  uint32_t width = 0;
  uint32_t height = 0;
  std::string capture_time;  // RFC 3339
  std::string jpeg;
  // Increases by one for each frame the board took for the camera, whatever the
  // stream: a viewer asks for a version newer than the one it showed.
  uint64_t version = 0;
};

class LiveBoard {
 public:
  // A frame older than the camera's current one of the same stream (a batch
  // read again) is ignored; a frame without a picture too.
  void apply(const v1::Frame& frame);
  // An end phase clears the camera's motion boxes: nothing moves any more.
  void apply(const v1::MotionEvent& event);
  void apply(const v1::Detection& detection);

  // The camera's latest frame, or null when none came since the board was cleared.
  std::shared_ptr<const LiveFrame> latest(const std::string& camera_id) const;
  // The camera's first frame with a version above after_version: at once when
  // the board holds one, else the next to arrive. Null when timeout passes, stop
  // is requested, or close() is called.
  std::shared_ptr<const LiveFrame> wait_newer(const std::string& camera_id, uint64_t after_version,
                                              std::chrono::milliseconds timeout, std::stop_token stop = {});

  // The overlay endpoint's answer: {"camera_id", "frame": {sequence, width,
  // height, capture_time} | null, "motion": {capture_time, frame_width,
  // frame_height, score, phase, boxes: [{x, y, width, height}]} | null,
  // "detections": [{analysis, level, capture_time, frame_width, frame_height,
  // objects: [{label, score, box}]}]}, boxes in the pixels of the frame they
  // were found in.
  nlohmann::json overlay(const std::string& camera_id) const;

  // Forgets everything (what it held is stale once nobody reads the topics).
  void clear();
  // Wakes every waiter for good: the server is stopping.
  void close();

 private:
  struct Motion {
    std::string capture_time;
    uint32_t frame_width = 0;
    uint32_t frame_height = 0;
    float score = 0;
    std::string phase;
    std::vector<v1::Box> boxes;
  };
  struct Detection {
    std::string capture_time;
    std::string level;
    uint32_t frame_width = 0;
    uint32_t frame_height = 0;
    std::vector<v1::Detection::Object> objects;
  };
  struct Camera {
    std::shared_ptr<const LiveFrame> frame;
    uint64_t versions = 0;
    std::optional<Motion> motion;
    std::map<std::string, Detection> detections;  // by analysis
  };

  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::map<std::string, Camera> cameras_;
  bool closed_ = false;
};

}  // namespace vigie::event_manager::live
