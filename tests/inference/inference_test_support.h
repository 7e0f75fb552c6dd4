// What the inference tests share: frames of OpenCV's sample video vtest.avi as
// ingest publishes them, motion events carrying them, where the fetched models
// are, and a scripted HTTP server speaking the Hugging Face inference API.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include "vigie/v1/camera.pb.h"
#include "vigie/v1/motion.pb.h"

namespace vigie::testing {

// Frame `index` of vtest.avi resized to 640x480 (BGR), as ingest publishes it.
cv::Mat vtest_frame(int index);
std::string encode_jpeg(const cv::Mat& picture, int quality = 80);
cv::Mat decode_jpeg(const std::string& jpeg);

// The directory deploy/models/fetch-models.sh filled (set at configure time).
std::string models_dir();
// tests/data/inference
std::string inference_data_dir();

// A motion update carrying the frame, captured at sequence / fps seconds.
v1::MotionEvent motion_event(const std::string& camera, const std::string& stream, uint64_t sequence,
                             const std::string& jpeg, double fps = 5, std::vector<cv::Rect2f> boxes = {});

// A camera with one analysis.
v1::Analysis analysis(const std::string& name, const std::string& detector, std::vector<std::string> labels,
                      float min_score, float fps);
v1::Camera camera_with(const std::string& id, std::vector<v1::Analysis> analyses);

// An HTTP server on 127.0.0.1 answering each POST with the next scripted reply
// (after its delay), or 200 "[]" when none is left; it records every request.
class HfStubServer {
 public:
  struct Reply {
    unsigned status = 200;
    std::string body = "[]";
    std::chrono::milliseconds delay{0};
  };
  struct Request {
    std::string target;
    std::string authorization;
    std::string content_type;
    size_t body_size = 0;
  };

  HfStubServer();
  ~HfStubServer();
  void script(std::vector<Reply> replies);
  std::vector<Request> requests() const;
  // http://127.0.0.1:PORT/models/
  std::string base_url() const;

 private:
  void serve();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  mutable std::mutex mutex_;
  std::deque<Reply> replies_;
  std::vector<Request> requests_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace vigie::testing
