// What the motion tests share: frames of OpenCV's sample video (vtest.avi) as
// ingest would publish them (640 px wide JPEGs), synthetic scenes, the
// hand-made ground truth, and a service whose events are kept in memory.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "motion_service.h"
#include "vigie/metrics/metrics.h"

namespace vigie::testing {

// $VIGIE_VTEST_AVI, else Debian's opencv-doc copy.
std::string vtest_path();

// The video's first `count` frames resized to 640x480 (BGR), read once per process.
const std::vector<cv::Mat>& vtest_frames(int count);

std::string encode_jpeg(const cv::Mat& picture, int quality = 80);

// A frame as ingest publishes it: the picture as a JPEG of quality 80, capture
// time = sequence / fps.
v1::Frame make_frame(const std::string& camera, const std::string& stream, uint64_t sequence,
                     const cv::Mat& picture, double fps = 5);

// A person in the hand-made ground truth (tests/data/motion/vtest_people.txt).
struct Person {
  cv::Rect2f box;
  bool moving = false;
};
// Video frame index -> the people in it.
std::map<int, std::vector<Person>> vtest_people();

// A grey textured still picture (no two rows alike), BGR, of the given size.
cv::Mat textured_scene(cv::Size size, int seed = 1);
// picture plus Gaussian sensor noise of the given standard deviation.
cv::Mat with_noise(const cv::Mat& picture, double sigma, int seed);

struct Published {
  v1::MotionEvent event;
  std::string trace_id;
};

// A MotionService whose events land in `events`.
struct ServiceUnderTest {
  explicit ServiceUnderTest(motion::ServiceOptions options = {});
  // Feeds the frame with trace id "trace-<sequence>", published `age` ago.
  void feed(const v1::Frame& frame, int32_t partition = 0,
            std::chrono::milliseconds age = std::chrono::milliseconds(0));
  std::vector<Published> of_phase(v1::MotionEvent::Phase phase) const;

  metrics::Metrics metrics;
  std::vector<Published> events;
  std::unique_ptr<motion::MotionService> service;
};

// A camera with these motion settings, as the registry hands it over.
v1::Camera camera_with(const std::string& id, const v1::MotionSettings& motion);
v1::Polygon rectangle(float x0, float y0, float x1, float y1);

}  // namespace vigie::testing
