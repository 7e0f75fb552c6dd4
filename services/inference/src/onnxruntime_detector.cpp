#include "onnxruntime_detector.h"

#include <onnxruntime_cxx_api.h>

#include <array>

namespace vigie::inference {

struct OnnxRuntimeDetector::Session {
  Ort::Env env{ORT_LOGGING_LEVEL_WARNING, "vigie-inference"};
  Ort::Session session{nullptr};
  Ort::MemoryInfo memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  std::string input_name;
  std::array<std::string, 2> output_names{"tower_0/keypoints", "tower_0/wh"};
};

OnnxRuntimeDetector::OnnxRuntimeDetector(CenterNetModel model, int threads)
    : model_(std::move(model)), session_(std::make_unique<Session>()) {
  try {
    Ort::SessionOptions options;
    if (threads > 0) options.SetIntraOpNumThreads(threads);
    options.SetInterOpNumThreads(1);
    options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    session_->session = Ort::Session(session_->env, model_.onnx_path.c_str(), options);
    Ort::AllocatorWithDefaultOptions allocator;
    session_->input_name = session_->session.GetInputNameAllocated(0, allocator).get();
  } catch (const Ort::Exception& e) {
    throw std::runtime_error("ONNX Runtime cannot load " + model_.onnx_path + ": " + e.what());
  }
}

OnnxRuntimeDetector::~OnnxRuntimeDetector() = default;

std::vector<DetectedObject> OnnxRuntimeDetector::detect(const Picture& picture, float min_score) {
  centernet_blob(picture.bgr, model_.input, blob_);
  const std::array<int64_t, 4> shape{1, 3, model_.input.height, model_.input.width};
  try {
    auto input = Ort::Value::CreateTensor<float>(session_->memory, blob_.ptr<float>(), blob_.total(),
                                                 shape.data(), shape.size());
    const char* input_name = session_->input_name.c_str();
    const std::array<const char*, 2> output_names{session_->output_names[0].c_str(),
                                                  session_->output_names[1].c_str()};
    auto outputs = session_->session.Run(Ort::RunOptions{nullptr}, &input_name, &input, 1,
                                         output_names.data(), output_names.size());
    const auto heat_shape = outputs[0].GetTensorTypeAndShapeInfo().GetShape();
    CenterNetOutputs out{outputs[0].GetTensorData<float>(),
                         outputs[1].GetTensorData<float>(),
                         static_cast<int>(heat_shape[1]),
                         {static_cast<int>(heat_shape[3]), static_cast<int>(heat_shape[2])}};
    return decode_centernet(out, model_, picture.bgr.size(), min_score);
  } catch (const Ort::Exception& e) {
    throw DetectorError("model", "ONNX Runtime failed on " + model_.onnx_path + ": " + e.what());
  }
}

}  // namespace vigie::inference
