#include "verdict.h"

#include <algorithm>

namespace vigie::inference {

Verdict judge(const std::vector<DetectedObject>& found, const std::vector<std::string>& labels,
              float min_score, float probable_ratio) {
  Verdict v;
  const float probable = min_score * probable_ratio;
  float best = -1;
  for (const auto& o : found) {
    const bool wanted = labels.empty() || std::find(labels.begin(), labels.end(), o.label) != labels.end();
    if (!wanted || o.score < probable) continue;
    v.objects.push_back(o);
    best = std::max(best, o.score);
  }
  if (best >= min_score) {
    v.level = v1::Detection::LEVEL_POSITIVE;
  } else if (!v.objects.empty()) {
    v.level = v1::Detection::LEVEL_PROBABLE;
  }
  return v;
}

}  // namespace vigie::inference
