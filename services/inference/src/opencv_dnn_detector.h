// The default back-end: OpenCV's DNN module running a CenterNet ONNX model.
#pragma once

#include <opencv2/dnn.hpp>

#include "centernet.h"
#include "detector.h"

namespace vigie::inference {

class OpenCvDnnDetector : public Detector {
 public:
  // Runs on OpenCV's worker threads (cv::setNumThreads, set once by the process).
  explicit OpenCvDnnDetector(CenterNetModel model);
  std::vector<DetectedObject> detect(const Picture& picture, float min_score) override;
  cv::Size input_size() const override { return model_.input; }

 private:
  CenterNetModel model_;
  cv::dnn::Net net_;
  std::vector<cv::String> output_names_;
  cv::Mat blob_;
  std::vector<cv::Mat> outputs_;
};

}  // namespace vigie::inference
