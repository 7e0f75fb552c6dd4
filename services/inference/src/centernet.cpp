#include "centernet.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <opencv2/dnn.hpp>

namespace vigie::inference {

CenterNetModel find_centernet_model(const std::string& models_dir, const std::string& name) {
  namespace fs = std::filesystem;
  CenterNetModel model;
  model.onnx_path = (fs::path(models_dir) / (name + ".onnx")).string();
  const std::string labels_path = (fs::path(models_dir) / (name + ".labels")).string();
  for (const auto& path : {model.onnx_path, labels_path})
    if (!fs::exists(path))
      throw std::runtime_error("model '" + name + "': " + path +
                               " not found (deploy/models/fetch-models.sh fetches the default models)");
  std::ifstream in(labels_path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) model.labels.push_back(line);
  if (model.labels.empty()) throw std::runtime_error("model '" + name + "': no label in " + labels_path);
  return model;
}

void centernet_blob(const cv::Mat& bgr, cv::Size input, cv::Mat& blob) {
  cv::dnn::blobFromImage(bgr, blob, 1.0, input, cv::Scalar(), /*swapRB=*/true, /*crop=*/false, CV_32F);
}

std::vector<DetectedObject> decode_centernet(const CenterNetOutputs& outputs, const CenterNetModel& model,
                                             cv::Size picture_size, float min_score, size_t max_objects,
                                             float overlap) {
  const int w = outputs.grid.width;
  const int h = outputs.grid.height;
  const size_t plane = static_cast<size_t>(w) * h;
  const float sx = static_cast<float>(picture_size.width) / static_cast<float>(model.input.width);
  const float sy = static_cast<float>(picture_size.height) / static_cast<float>(model.input.height);
  const int classes = std::min<int>(outputs.classes, static_cast<int>(model.labels.size()));

  struct Peak {
    int cls;
    cv::Rect2f box;
    float score;
  };
  std::vector<Peak> peaks;
  for (int c = 0; c < classes; ++c) {
    const float* heat = outputs.heatmap + c * plane;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const float v = heat[y * w + x];
        if (v < min_score) continue;
        bool peak = true;
        for (int dy = -1; dy <= 1 && peak; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const int yy = y + dy, xx = x + dx;
            if (yy < 0 || xx < 0 || yy >= h || xx >= w) continue;
            if (heat[yy * w + xx] > v) {
              peak = false;
              break;
            }
          }
        if (!peak) continue;
        const size_t cell = static_cast<size_t>(y) * w + x;
        const float cx = static_cast<float>(x * model.stride), cy = static_cast<float>(y * model.stride);
        const float x1 = cx - outputs.sizes[cell], y1 = cy - outputs.sizes[plane + cell];
        const float x2 = cx + outputs.sizes[2 * plane + cell], y2 = cy + outputs.sizes[3 * plane + cell];
        cv::Rect2f box(x1 * sx, y1 * sy, (x2 - x1) * sx, (y2 - y1) * sy);
        box &=
            cv::Rect2f(0, 0, static_cast<float>(picture_size.width), static_cast<float>(picture_size.height));
        if (box.area() > 0) peaks.push_back({c, box, v});
      }
    }
  }
  std::sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& b) { return a.score > b.score; });
  if (peaks.size() > max_objects) peaks.resize(max_objects);

  // Overlapping boxes of one class are one object: the best scored stays.
  std::vector<DetectedObject> out;
  std::vector<int> kept_class;
  for (const auto& p : peaks) {
    bool duplicate = false;
    for (size_t i = 0; i < out.size() && !duplicate; ++i) {
      if (kept_class[i] != p.cls) continue;
      const float inter = (out[i].box & p.box).area();
      duplicate = inter / (out[i].box.area() + p.box.area() - inter) > overlap;
    }
    if (duplicate) continue;
    out.push_back({model.labels[p.cls], p.score, p.box});
    kept_class.push_back(p.cls);
  }
  return out;
}

}  // namespace vigie::inference
