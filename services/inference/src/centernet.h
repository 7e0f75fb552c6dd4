// The COCO CenterNet the project converts from @vladmandic/human (see
// deploy/models): what both ONNX back-ends share. The model takes an RGB picture
// of 512x512 with values 0..255 (NCHW) and gives a heat map per class (sigmoid,
// a quarter of the input's size) and, per cell, the distances from the cell to
// the box's four sides in input pixels. Decoding keeps the cells that are the
// highest of their 3x3 neighbourhood, as the original graph does, then removes
// overlapping boxes of one class.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "detector.h"

namespace vigie::inference {

struct CenterNetModel {
  std::string onnx_path;
  std::vector<std::string> labels;  // one per heat-map channel
  cv::Size input{512, 512};
  int stride = 4;  // input pixels per heat-map cell
};

// NAME.onnx and NAME.labels (one class name a line) in models_dir. Throws
// std::runtime_error naming the missing file and how to get it.
CenterNetModel find_centernet_model(const std::string& models_dir, const std::string& name);

// The picture as the model's input blob (1x3xHxW float, RGB, 0..255), reusing blob's buffer.
void centernet_blob(const cv::Mat& bgr, cv::Size input, cv::Mat& blob);

struct CenterNetOutputs {
  const float* heatmap = nullptr;  // classes x grid.height x grid.width
  const float* sizes = nullptr;    // 4 x grid.height x grid.width: left, top, right, bottom
  int classes = 0;
  cv::Size grid;
};

// Objects scored at least min_score, in the pixels of a picture of picture_size
// (the input was that picture resized to model.input), best first.
std::vector<DetectedObject> decode_centernet(const CenterNetOutputs& outputs, const CenterNetModel& model,
                                             cv::Size picture_size, float min_score, size_t max_objects = 100,
                                             float overlap = 0.5f);

}  // namespace vigie::inference
