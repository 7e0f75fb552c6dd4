// ONNX Runtime running the same CenterNet ONNX models as the OpenCV DNN back-end.
// Built only where the install script fetched ONNX Runtime (see docs/inference.md).
#pragma once

#include <memory>

#include "centernet.h"
#include "detector.h"

namespace vigie::inference {

class OnnxRuntimeDetector : public Detector {
 public:
  // threads: ONNX Runtime's intra-op threads (0: its default, one per core).
  OnnxRuntimeDetector(CenterNetModel model, int threads);
  ~OnnxRuntimeDetector() override;
  std::vector<DetectedObject> detect(const Picture& picture, float min_score) override;
  cv::Size input_size() const override { return model_.input; }

 private:
  struct Session;
  CenterNetModel model_;
  std::unique_ptr<Session> session_;
  cv::Mat blob_;
};

}  // namespace vigie::inference
