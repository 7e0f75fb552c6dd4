// OpenCV's HOG people detector (Dalal-Triggs linear SVM, 64x128 window): no
// model file to fetch. Pictures are enlarged first so that people as small as
// about 64 pixels tall fill the window.
#pragma once

#include <opencv2/objdetect.hpp>

#include "detector.h"

namespace vigie::inference {

class HogDetector : public Detector {
 public:
  // upscale: factor applied to the picture before detection (1 to 4).
  explicit HogDetector(double upscale = 2.0);
  // Scores are the SVM margins mapped through a logistic, 1 / (1 + e^(-2 margin)):
  // 0.5 at the SVM's own decision boundary.
  std::vector<DetectedObject> detect(const Picture& picture, float min_score) override;
  cv::Size input_size() const override { return {}; }

 private:
  cv::HOGDescriptor hog_;
  double upscale_;
  cv::Mat scaled_;
};

}  // namespace vigie::inference
