// Detectors by name. An analysis names its detector as BACKEND:MODEL:
//   opencv-dnn:centernet-coco   a CenterNet ONNX model of the models directory, OpenCV DNN
//   onnxruntime:centernet-coco  the same model on ONNX Runtime (when built with it)
//   hog:people                  OpenCV's HOG people detector
//   cascade:NAME                OpenCV's cascade NAME.xml (e.g. haarcascade_frontalface_default)
//   hf:USER/MODEL               a remote model behind the Hugging Face inference API
// A bare MODEL takes the default ONNX back-end.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detector.h"
#include "remote_detector.h"

namespace vigie::inference {

struct DetectorSpec {
  std::string backend;
  std::string model;
  std::string text() const { return backend + ":" + model; }
  bool operator==(const DetectorSpec&) const = default;
};

// Nullopt, with the reason in error, when the text names no known back-end or no model.
std::optional<DetectorSpec> parse_detector_spec(std::string_view text, const std::string& default_backend,
                                                std::string& error);

struct FactoryOptions {
  std::string models_dir;
  std::string cascades_dir = "/usr/share/opencv4/haarcascades";
  int threads = 0;  // ONNX Runtime's intra-op threads (OpenCV's are set per process)
  RemoteOptions remote;
};

// Throws std::runtime_error naming the model when it cannot be made (missing
// file, back-end not built).
std::unique_ptr<Detector> make_detector(const DetectorSpec& spec, const FactoryOptions& options);

// The back-ends this build has, in the order of the table above.
std::vector<std::string> available_backends();

}  // namespace vigie::inference
