#include "analyses.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace vigie::inference {

std::optional<std::vector<HfModel>> parse_hf_models(const std::string& text, std::string& error) {
  std::vector<HfModel> out;
  if (text.empty()) return out;
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    error = "expected a JSON object such as {\"fire\":\"user/model\",\"fire:fps\":0.2}";
    return std::nullopt;
  }
  for (const auto& [key, value] : json.items()) {
    if (key.size() > 4 && key.compare(key.size() - 4, 4, ":fps") == 0) continue;
    if (!value.is_string() || value.get<std::string>().empty()) {
      error = "\"" + key + "\": expected a model id such as \"user/model\"";
      return std::nullopt;
    }
    out.push_back({key, value.get<std::string>(), 0});
  }
  for (const auto& [key, value] : json.items()) {
    if (key.size() <= 4 || key.compare(key.size() - 4, 4, ":fps") != 0) continue;
    const std::string name = key.substr(0, key.size() - 4);
    auto it = std::find_if(out.begin(), out.end(), [&](const HfModel& m) { return m.analysis == name; });
    if (it == out.end()) {
      error = "\"" + key + "\": no model \"" + name + "\" to apply it to";
      return std::nullopt;
    }
    if (!value.is_number() || !(value.get<double>() > 0) || !std::isfinite(value.get<double>())) {
      error = "\"" + key + "\": expected a frame rate above 0";
      return std::nullopt;
    }
    it->fps = value.get<double>();
  }
  return out;
}

std::vector<AnalysisPlan> plan_analyses(const v1::Camera* camera, const AnalysisDefaults& defaults,
                                        std::vector<std::string>& problems) {
  std::vector<AnalysisPlan> out;
  auto hf_model = [&](const std::string& name) -> const HfModel* {
    for (const auto& m : defaults.hf_models)
      if (m.analysis == name) return &m;
    return nullptr;
  };
  auto rate = [&](double fps, const HfModel* hf) {
    return fps > 0 ? fps : hf && hf->fps > 0 ? hf->fps : defaults.fps;
  };

  if (camera) {
    for (const auto& a : camera->analyses()) {
      if (a.detector() == "motion") continue;
      const HfModel* hf = hf_model(a.name());
      std::string detector = a.detector();
      if (hf && (detector.empty() || detector == "hf")) detector = "hf:" + hf->model;
      if (detector.empty()) detector = defaults.detector;
      std::string error;
      auto spec = parse_detector_spec(detector, defaults.backend, error);
      if (!spec) {
        problems.push_back("analysis '" + a.name() + "': " + error);
        continue;
      }
      if (!(a.min_score() >= 0 && a.min_score() <= 1) || !(a.fps() >= 0) || !std::isfinite(a.fps())) {
        problems.push_back("analysis '" + a.name() + "': min_score must be within 0..1 and fps at least 0");
        continue;
      }
      AnalysisPlan plan{a.name(),
                        *spec,
                        {a.labels().begin(), a.labels().end()},
                        a.min_score() > 0 ? a.min_score() : defaults.min_score,
                        rate(a.fps(), hf)};
      out.push_back(std::move(plan));
    }
  }
  for (const auto& m : defaults.hf_models) {
    const bool on_camera =
        camera && std::any_of(camera->analyses().begin(), camera->analyses().end(),
                              [&](const v1::Analysis& a) { return a.name() == m.analysis; });
    if (on_camera) continue;
    out.push_back({m.analysis, {"hf", m.model}, {}, defaults.min_score, rate(0, &m)});
  }
  return out;
}

}  // namespace vigie::inference
