// OpenCV's cascade classifiers (Debian's opencv-data: faces, full bodies, upper
// bodies, licence plates ...), chosen by file name.
#pragma once

#include <string>

#include <opencv2/objdetect.hpp>

#include "detector.h"

namespace vigie::inference {

class CascadeDetector : public Detector {
 public:
  // Loads DIR/NAME.xml; throws std::runtime_error naming the file when it cannot.
  CascadeDetector(const std::string& cascades_dir, const std::string& name);
  // A cascade gives no score: an object found by n neighbouring windows scores
  // n / (n + 3), 0.5 at OpenCV's usual minimum of 3 neighbours.
  std::vector<DetectedObject> detect(const Picture& picture, float min_score) override;
  cv::Size input_size() const override { return {}; }
  // The label of a cascade's objects: "face", "person", "licence plate" ... from its name.
  static std::string label_of(const std::string& name);

 private:
  cv::CascadeClassifier cascade_;
  std::string label_;
  cv::Mat gray_;
};

}  // namespace vigie::inference
