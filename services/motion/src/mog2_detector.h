// OpenCV's MOG2 background subtractor (as the seed VMS used): a mixture of
// Gaussians per pixel, which copes with repetitive background motion (leaves,
// water) at several times the frame difference's cost.
#pragma once

#include <opencv2/video/background_segm.hpp>

#include "motion_detector.h"

namespace vigie::motion {

class Mog2Detector final : public MotionDetector {
 public:
  explicit Mog2Detector(float sensitivity);

  void apply(const cv::Mat& gray, cv::Mat& foreground) override;
  void restart(const cv::Mat& gray) override;
  void set_sensitivity(float sensitivity) override;

  // MOG2's squared Mahalanobis distance above which a pixel is foreground.
  static double var_threshold_for(float sensitivity);

 private:
  double var_threshold_;
  cv::Ptr<cv::BackgroundSubtractorMOG2> model_;
  cv::Size size_;
  cv::Mat learned_only_;  // the foreground of a frame learned by restart, not reported
};

}  // namespace vigie::motion
