// Turns a detector's changed pixels into what a motion event reports: the
// camera's masks taken out, the share of the unmasked picture that changed, the
// boxes of the changed regions large enough to count (in the published frame's
// pixels), and the names of the zones those boxes touch.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "motion_settings.h"

namespace vigie::motion {

struct Observation {
  float changed_share = 0;         // of the unmasked picture, before small regions are dropped
  std::vector<cv::Rect2f> boxes;   // published frame's pixels
  std::vector<std::string> zones;  // sorted, each once
};

class ForegroundRegions {
 public:
  // work: the detector's picture size; frame: the published frame's size. The
  // masks and zones are drawn once here, at the working size.
  ForegroundRegions(const MotionSettings& settings, cv::Size work, cv::Size frame);

  // Reads foreground (CV_8UC1 of the working size), which it masks and cleans in place.
  void find(cv::Mat& foreground, Observation& out);

  cv::Size work_size() const { return work_; }
  cv::Size frame_size() const { return frame_; }

 private:
  cv::Size work_;
  cv::Size frame_;
  double min_area_;   // working pixels
  cv::Mat allowed_;   // 255 where motion counts; empty when nothing is masked
  int allowed_pixels_;
  std::vector<std::pair<std::string, cv::Mat>> zones_;
  cv::Mat merge_kernel_;
  std::vector<std::vector<cv::Point>> contours_;
};

// The polygon's inside, drawn with value at the picture size.
void fill_polygon(cv::Mat& picture, const Polygon& polygon, uint8_t value);

}  // namespace vigie::motion
