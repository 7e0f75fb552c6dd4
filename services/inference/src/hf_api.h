// The Hugging Face inference API's answers, both ways: what the remote back-end
// reads and what the service's own /models/ endpoints write. Object detection
// answers [{"label":..,"score":..,"box":{"xmin","ymin","xmax","ymax"}}]; image
// classification answers the same without "box". An error is {"error": "..."},
// with "estimated_time" (seconds) while a model is loading (HTTP 503).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "detector.h"

namespace vigie::inference {

// The objects of an answer; a label without a box covers the whole picture.
// Throws std::runtime_error saying what is wrong with the answer.
std::vector<DetectedObject> parse_hf_answer(std::string_view body, cv::Size picture);

// The error text and estimated loading time of an error answer, when it is one.
struct HfError {
  std::string message;
  std::optional<double> estimated_time;
};
std::optional<HfError> parse_hf_error(std::string_view body);

std::string hf_answer(const std::vector<DetectedObject>& objects);
std::string hf_error(std::string_view message);

}  // namespace vigie::inference
