// What a detector's result means for an analysis: the objects of the analysis's
// labels (any label when it lists none), and a level by the best of their scores:
// positive at the analysis's minimum score or above, probable from
// probable_ratio x that score, none below.
#pragma once

#include <string>
#include <vector>

#include "detector.h"
#include "vigie/v1/detection.pb.h"

namespace vigie::inference {

struct Verdict {
  v1::Detection::Level level = v1::Detection::LEVEL_NONE;
  std::vector<DetectedObject> objects;  // those of the labels scored at least the probable threshold
};

Verdict judge(const std::vector<DetectedObject>& found, const std::vector<std::string>& labels,
              float min_score, float probable_ratio);

}  // namespace vigie::inference
