#include "cascade_detector.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace vigie::inference {

std::string CascadeDetector::label_of(const std::string& name) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"catface", "cat face"}, {"face", "face"},           {"fullbody", "person"}, {"upperbody", "person"},
      {"lowerbody", "person"}, {"plate", "licence plate"}, {"eye", "eye"},         {"smile", "smile"}};
  for (const auto& [part, label] : kLabels)
    if (name.find(part) != std::string::npos) return label;
  return name;
}

CascadeDetector::CascadeDetector(const std::string& cascades_dir, const std::string& name)
    : label_(label_of(name)) {
  const std::string path = (std::filesystem::path(cascades_dir) / (name + ".xml")).string();
  if (!std::filesystem::exists(path) || !cascade_.load(path))
    throw std::runtime_error("cascade '" + name + "': cannot load " + path +
                             " (Debian's opencv-data installs OpenCV's cascades)");
}

std::vector<DetectedObject> CascadeDetector::detect(const Picture& picture, float min_score) {
  cv::cvtColor(picture.bgr, gray_, cv::COLOR_BGR2GRAY);
  cv::equalizeHist(gray_, gray_);
  std::vector<cv::Rect> found;
  std::vector<int> neighbours;
  cascade_.detectMultiScale(gray_, found, neighbours, 1.1, 3);
  std::vector<DetectedObject> out;
  for (size_t i = 0; i < found.size(); ++i) {
    const float n = static_cast<float>(neighbours[i]);
    const float score = n / (n + 3);
    if (score >= min_score) out.push_back({label_, score, cv::Rect2f(found[i])});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  return out;
}

}  // namespace vigie::inference
