#include "hf_api.h"

#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace vigie::inference {

using nlohmann::json;

std::vector<DetectedObject> parse_hf_answer(std::string_view body, cv::Size picture) {
  const json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) throw std::runtime_error("the answer is not JSON");
  if (!answer.is_array()) throw std::runtime_error("the answer is not a JSON array of results");
  std::vector<DetectedObject> out;
  for (const auto& item : answer) {
    if (!item.is_object() || !item.contains("label") || !item["label"].is_string() ||
        !item.contains("score") || !item["score"].is_number())
      throw std::runtime_error("a result lacks a string \"label\" or a numeric \"score\"");
    DetectedObject o;
    o.label = item["label"].get<std::string>();
    o.score = item["score"].get<float>();
    if (!std::isfinite(o.score)) throw std::runtime_error("a result's score is not a number");
    o.box = cv::Rect2f(0, 0, static_cast<float>(picture.width), static_cast<float>(picture.height));
    if (item.contains("box")) {
      const auto& b = item["box"];
      for (const char* side : {"xmin", "ymin", "xmax", "ymax"})
        if (!b.is_object() || !b.contains(side) || !b[side].is_number())
          throw std::runtime_error(std::string("a result's box lacks a numeric \"") + side + "\"");
      const float x0 = b["xmin"].get<float>(), y0 = b["ymin"].get<float>();
      o.box = cv::Rect2f(x0, y0, b["xmax"].get<float>() - x0, b["ymax"].get<float>() - y0);
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::optional<HfError> parse_hf_error(std::string_view body) {
  const json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded() || !answer.is_object() || !answer.contains("error")) return std::nullopt;
  HfError e;
  e.message = answer["error"].is_string() ? answer["error"].get<std::string>() : answer["error"].dump();
  if (answer.contains("estimated_time") && answer["estimated_time"].is_number())
    e.estimated_time = answer["estimated_time"].get<double>();
  return e;
}

std::string hf_answer(const std::vector<DetectedObject>& objects) {
  json out = json::array();
  for (const auto& o : objects)
    out.push_back({{"label", o.label},
                   {"score", o.score},
                   {"box",
                    {{"xmin", std::lround(o.box.x)},
                     {"ymin", std::lround(o.box.y)},
                     {"xmax", std::lround(o.box.x + o.box.width)},
                     {"ymax", std::lround(o.box.y + o.box.height)}}}});
  return out.dump();
}

std::string hf_error(std::string_view message) { return json{{"error", message}}.dump(); }

}  // namespace vigie::inference
