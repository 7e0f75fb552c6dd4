#include "frame_diff_detector.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace vigie::motion {
namespace {

// Every frame's contrast is brought to this spread of grey levels around its
// own mean, so one threshold suits a flat, hazy scene and a contrasted one. The
// mean is kept: a sudden change of brightness (lights, exposure) must show as the
// whole picture changing, which the tracker then recognises as a global change.
constexpr double kSpread = 48;
// A nearly uniform picture (night, fog) keeps its contrast: stretching it would
// turn sensor noise into motion.
constexpr double kMinSpread = 12;
// Share of each frame blended into the background: at 5 frames per second the
// background follows the scene with a time constant of about 2 seconds. Slower
// leaves longer trails behind walkers (ghosts that join neighbours' boxes);
// faster lets a slow walker blend in.
constexpr double kLearningRate = 0.1;
// Sensitivity 0.5 gives 25 grey levels, tuned on vtest.avi (see docs/motion.md).
constexpr float kMinThreshold = 5;
constexpr float kMaxThreshold = 45;

}  // namespace

FrameDiffDetector::FrameDiffDetector(float sensitivity) : threshold_(threshold_for(sensitivity)) {}

float FrameDiffDetector::threshold_for(float sensitivity) {
  float s = std::clamp(sensitivity, 0.0f, 1.0f);
  return kMaxThreshold - s * (kMaxThreshold - kMinThreshold);
}

void FrameDiffDetector::set_sensitivity(float sensitivity) { threshold_ = threshold_for(sensitivity); }

void FrameDiffDetector::normalise(const cv::Mat& gray) {
  cv::Scalar mean, spread;
  cv::meanStdDev(gray, mean, spread);
  double gain = kSpread / std::max(spread[0], kMinSpread);
  gray.convertTo(frame_, CV_32F, gain, mean[0] * (1 - gain));
}

void FrameDiffDetector::restart(const cv::Mat& gray) {
  normalise(gray);
  frame_.copyTo(background_);
}

void FrameDiffDetector::apply(const cv::Mat& gray, cv::Mat& foreground) {
  if (background_.empty() || background_.size() != gray.size()) {
    restart(gray);
    foreground.create(gray.size(), CV_8UC1);
    foreground.setTo(0);
    return;
  }
  normalise(gray);
  cv::absdiff(frame_, background_, difference_);
  cv::compare(difference_, threshold_, foreground, cv::CMP_GT);
  cv::accumulateWeighted(frame_, background_, kLearningRate);
}

}  // namespace vigie::motion
