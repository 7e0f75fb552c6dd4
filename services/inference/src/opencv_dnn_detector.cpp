#include "opencv_dnn_detector.h"

namespace vigie::inference {

OpenCvDnnDetector::OpenCvDnnDetector(CenterNetModel model) : model_(std::move(model)) {
  try {
    net_ = cv::dnn::readNetFromONNX(model_.onnx_path);
  } catch (const cv::Exception& e) {
    throw std::runtime_error("OpenCV DNN cannot read " + model_.onnx_path + ": " + e.what());
  }
  net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  // The two heads, in the order CenterNetOutputs wants them: heat map, sizes.
  output_names_ = {"tower_0/keypoints", "tower_0/wh"};
}

std::vector<DetectedObject> OpenCvDnnDetector::detect(const Picture& picture, float min_score) {
  try {
    centernet_blob(picture.bgr, model_.input, blob_);
    net_.setInput(blob_);
    net_.forward(outputs_, output_names_);
  } catch (const cv::Exception& e) {
    throw DetectorError("model", std::string("OpenCV DNN failed on ") + model_.onnx_path + ": " + e.what());
  }
  const cv::Mat& heat = outputs_[0];
  CenterNetOutputs out{
      heat.ptr<float>(), outputs_[1].ptr<float>(), heat.size[1], {heat.size[3], heat.size[2]}};
  return decode_centernet(out, model_, picture.bgr.size(), min_score);
}

}  // namespace vigie::inference
