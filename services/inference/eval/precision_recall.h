// Accuracy of a detector against hand-made ground truth: YOLO text labels
// ("class cx cy w h", normalised to the picture) and precision and recall of
// detected boxes matched one-to-one at an IoU threshold, best scores first.
// Shared by the accuracy test and the benchmark.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace vigie::inference::eval {

struct LabelledBox {
  int cls = 0;
  cv::Rect2f box;  // in pixels of the picture size given to read_yolo_labels
};

// One file: throws std::runtime_error naming the file and line when malformed.
std::vector<LabelledBox> read_yolo_labels(const std::string& path, cv::Size picture);

// Every frame_NNNN.txt of a directory, by frame number.
std::map<int, std::vector<LabelledBox>> read_yolo_directory(const std::string& dir, cv::Size picture);

float iou(const cv::Rect2f& a, const cv::Rect2f& b);

struct Scored {
  cv::Rect2f box;
  float score = 0;
};

struct Counts {
  int true_positives = 0;
  int false_positives = 0;
  int false_negatives = 0;
  double precision() const;
  double recall() const;
  Counts& operator+=(const Counts& other);
};

// Detections scored at least min_score matched greedily, best score first, each to
// the unmatched truth box it overlaps most, when that IoU reaches min_iou.
Counts match(const std::vector<Scored>& detections, const std::vector<cv::Rect2f>& truth, float min_score,
             float min_iou = 0.5f);

}  // namespace vigie::inference::eval
