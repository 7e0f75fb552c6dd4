#include "mog2_detector.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace vigie::motion {
namespace {

// OpenCV's default history: at 5 frames per second the model remembers about
// 100 seconds of scene.
constexpr int kHistory = 500;
// Sensitivity 1 → 6 (about 2.5 standard deviations), 0 → 64 (8); OpenCV's
// default 16 sits near sensitivity 0.6.
constexpr double kMostSensitive = 6;
constexpr double kLeastSensitive = 64;

}  // namespace

Mog2Detector::Mog2Detector(float sensitivity) : var_threshold_(var_threshold_for(sensitivity)) {}

double Mog2Detector::var_threshold_for(float sensitivity) {
  double s = std::clamp(static_cast<double>(sensitivity), 0.0, 1.0);
  return kMostSensitive * std::pow(kLeastSensitive / kMostSensitive, 1.0 - s);
}

void Mog2Detector::set_sensitivity(float sensitivity) {
  var_threshold_ = var_threshold_for(sensitivity);
  if (model_) model_->setVarThreshold(var_threshold_);
}

void Mog2Detector::restart(const cv::Mat& gray) {
  // No shadow detection: on a grey picture MOG2 takes anything darker than the
  // background for a shadow, dark clothes included (it missed most of the people
  // in vtest.avi).
  model_ = cv::createBackgroundSubtractorMOG2(kHistory, var_threshold_, false);
  model_->apply(gray, learned_only_, 1.0);
  size_ = gray.size();
}

void Mog2Detector::apply(const cv::Mat& gray, cv::Mat& foreground) {
  if (!model_ || size_ != gray.size()) {
    restart(gray);
    foreground.create(gray.size(), CV_8UC1);
    foreground.setTo(0);
    return;
  }
  model_->apply(gray, foreground);
}

}  // namespace vigie::motion
