#include "precision_recall.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vigie::inference::eval {

std::vector<LabelledBox> read_yolo_labels(const std::string& path, cv::Size picture) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<LabelledBox> out;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    LabelledBox b;
    float cx, cy, w, h;
    if (!(fields >> b.cls >> cx >> cy >> w >> h) || w <= 0 || h <= 0)
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": expected 'class cx cy w h'");
    const auto pw = static_cast<float>(picture.width), ph = static_cast<float>(picture.height);
    b.box = cv::Rect2f((cx - w / 2) * pw, (cy - h / 2) * ph, w * pw, h * ph);
    out.push_back(b);
  }
  return out;
}

std::map<int, std::vector<LabelledBox>> read_yolo_directory(const std::string& dir, cv::Size picture) {
  std::map<int, std::vector<LabelledBox>> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("frame_", 0) != 0 || entry.path().extension() != ".txt") continue;
    out[std::stoi(name.substr(6))] = read_yolo_labels(entry.path().string(), picture);
  }
  if (out.empty()) throw std::runtime_error("no frame_NNNN.txt in " + dir);
  return out;
}

float iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0;
}

double Counts::precision() const {
  const int found = true_positives + false_positives;
  return found ? static_cast<double>(true_positives) / found : 1.0;
}

double Counts::recall() const {
  const int all = true_positives + false_negatives;
  return all ? static_cast<double>(true_positives) / all : 1.0;
}

Counts& Counts::operator+=(const Counts& o) {
  true_positives += o.true_positives;
  false_positives += o.false_positives;
  false_negatives += o.false_negatives;
  return *this;
}

Counts match(const std::vector<Scored>& detections, const std::vector<cv::Rect2f>& truth, float min_score,
             float min_iou) {
  std::vector<Scored> kept;
  for (const auto& d : detections)
    if (d.score >= min_score) kept.push_back(d);
  std::sort(kept.begin(), kept.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
  std::vector<bool> used(truth.size(), false);
  Counts c;
  for (const auto& d : kept) {
    float best = 0;
    int best_index = -1;
    for (size_t i = 0; i < truth.size(); ++i) {
      if (used[i]) continue;
      const float v = iou(d.box, truth[i]);
      if (v > best) best = v, best_index = static_cast<int>(i);
    }
    if (best_index >= 0 && best >= min_iou) {
      used[best_index] = true;
      ++c.true_positives;
    } else {
      ++c.false_positives;
    }
  }
  c.false_negatives = static_cast<int>(std::count(used.begin(), used.end(), false));
  return c;
}

}  // namespace vigie::inference::eval
