// The default detector: each frame, contrast-normalised, is compared with a
// running average of the past frames; pixels that differ by more than a threshold
// set by the sensitivity changed. A handful of whole-picture operations on a
// 160x90 picture: cheap enough for thousands of frames per second.
#pragma once

#include "motion_detector.h"

namespace vigie::motion {

class FrameDiffDetector final : public MotionDetector {
 public:
  explicit FrameDiffDetector(float sensitivity);

  void apply(const cv::Mat& gray, cv::Mat& foreground) override;
  void restart(const cv::Mat& gray) override;
  void set_sensitivity(float sensitivity) override;

  // The difference, in normalised grey levels, above which a pixel changed.
  static float threshold_for(float sensitivity);

 private:
  void normalise(const cv::Mat& gray);

  float threshold_;
  cv::Mat frame_;       // CV_32F, normalised
  cv::Mat background_;  // CV_32F running average
  cv::Mat difference_;
  cv::Mat still_;
};

}  // namespace vigie::motion
