#include "motion_crop.h"

#include <algorithm>
#include <cmath>

namespace vigie::inference {

cv::Rect motion_crop(cv::Size frame, cv::Size model_input, const std::vector<cv::Rect2f>& motion_boxes,
                     double crop_ratio) {
  const cv::Rect whole(0, 0, frame.width, frame.height);
  if (model_input.empty() || motion_boxes.empty() || crop_ratio <= 0) return whole;
  const double ratio = std::max(static_cast<double>(frame.width) / model_input.width,
                                static_cast<double>(frame.height) / model_input.height);
  if (ratio < crop_ratio) return whole;

  cv::Rect2f area = motion_boxes.front();
  for (const auto& b : motion_boxes) area |= b;
  // A margin: motion boxes cover what changed, often less than the whole object.
  double w = area.width * 2.0, h = area.height * 2.0;
  // At least the model's input, in its aspect, so nothing is enlarged.
  const double aspect = static_cast<double>(model_input.width) / model_input.height;
  w = std::max({w, h * aspect, static_cast<double>(model_input.width)});
  h = std::max({h, w / aspect, static_cast<double>(model_input.height)});
  w = std::min(w, static_cast<double>(frame.width));
  h = std::min(h, static_cast<double>(frame.height));
  const double cx = area.x + area.width / 2.0, cy = area.y + area.height / 2.0;
  const double x = std::clamp(cx - w / 2, 0.0, frame.width - w);
  const double y = std::clamp(cy - h / 2, 0.0, frame.height - h);
  cv::Rect crop(static_cast<int>(std::floor(x)), static_cast<int>(std::floor(y)),
                static_cast<int>(std::lround(w)), static_cast<int>(std::lround(h)));
  crop &= whole;
  // Most of the frame anyway: the whole frame costs the same and misses nothing.
  if (crop.area() * 2 > whole.area()) return whole;
  return crop;
}

}  // namespace vigie::inference
