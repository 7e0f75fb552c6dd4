// What every detector back-end offers the service: objects found in a picture,
// each with a label, a score and a box in the picture's pixels. One file per
// back-end implements it (OpenCV DNN, ONNX Runtime, HOG, cascades, remote HTTP).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

namespace vigie::inference {

struct DetectedObject {
  std::string label;
  float score = 0;
  cv::Rect2f box;  // in the pixels of the picture given to detect()
};

// The detector could not give an answer (a remote endpoint down or misbehaving,
// a model that failed to run): an error to count and log, never a result.
class DetectorError : public std::runtime_error {
 public:
  DetectorError(std::string kind, const std::string& message)
      : std::runtime_error(message), kind_(std::move(kind)) {}
  // A short metric label: "timeout", "http_500", "bad_response", "model" ...
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
};

// A picture to analyse: always decoded; jpeg holds the same picture encoded when
// the caller has it (the whole frame), so a remote back-end can send it as is.
struct Picture {
  const cv::Mat& bgr;
  std::string_view jpeg;
};

class Detector {
 public:
  virtual ~Detector() = default;
  // Objects scored at least min_score, best first. Not thread-safe: a detector
  // is used by one thread at a time. Throws DetectorError.
  virtual std::vector<DetectedObject> detect(const Picture& picture, float min_score) = 0;
  // The size the model looks at (pictures are resized to it); empty when the
  // back-end takes any size. A frame much larger is cropped around motion first.
  virtual cv::Size input_size() const = 0;
};

}  // namespace vigie::inference
