// Small objects in a large frame shrink to a few pixels at the model's input
// size. When the frame is much larger than the model input (crop_ratio times or
// more on its longer side), the detector is given the region around the motion
// boxes instead: their union with a margin of half their size, grown to at least
// the model's input size and its aspect, within the frame.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace vigie::inference {

// The region of the frame to analyse; the whole frame when no crop helps.
cv::Rect motion_crop(cv::Size frame, cv::Size model_input, const std::vector<cv::Rect2f>& motion_boxes,
                     double crop_ratio);

}  // namespace vigie::inference
