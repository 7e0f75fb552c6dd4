#include "hog_detector.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace vigie::inference {

HogDetector::HogDetector(double upscale) : upscale_(std::clamp(upscale, 1.0, 4.0)) {
  hog_.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
}

std::vector<DetectedObject> HogDetector::detect(const Picture& picture, float min_score) {
  const cv::Mat* input = &picture.bgr;
  if (upscale_ != 1.0) {
    cv::resize(picture.bgr, scaled_, {}, upscale_, upscale_, cv::INTER_LINEAR);
    input = &scaled_;
  }
  // The SVM margin whose logistic score is min_score.
  const float clamped = std::clamp(min_score, 0.01f, 0.99f);
  const double hit_threshold = std::log(clamped / (1 - clamped)) / 2;
  std::vector<cv::Rect> found;
  std::vector<double> margins;
  hog_.detectMultiScale(*input, found, margins, hit_threshold, cv::Size(8, 8), cv::Size(), 1.05, 2.0);
  std::vector<DetectedObject> out;
  const auto scale = static_cast<float>(1.0 / upscale_);
  for (size_t i = 0; i < found.size(); ++i) {
    const auto score = static_cast<float>(1.0 / (1.0 + std::exp(-2.0 * margins[i])));
    if (score < min_score) continue;
    // The detection window has a margin around the person (OpenCV's peopledetect
    // sample trims it the same way): keep the middle 80 % across, 80 % down from 7 %.
    const cv::Rect& r = found[i];
    cv::Rect2f box((r.x + 0.1f * r.width) * scale, (r.y + 0.07f * r.height) * scale, 0.8f * r.width * scale,
                   0.8f * r.height * scale);
    box &= cv::Rect2f(0, 0, static_cast<float>(picture.bgr.cols), static_cast<float>(picture.bgr.rows));
    out.push_back({"person", score, box});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  return out;
}

}  // namespace vigie::inference
