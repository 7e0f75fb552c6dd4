// Which analyses inference runs on a camera's frames, with what detector, labels,
// minimum score and frame rate: the camera's own analyses (from the cameras
// topic; those whose detector is "motion" are left to the event manager), plus
// the analyses of HF_MODELS, the seed's JSON form {"fire":"user/model",
// "fire:fps":0.2}: each names a remote model (and its rate) and runs on every
// camera that has no analysis of that name; a camera's analysis of that name that
// names no detector, or just "hf", takes its model from there.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "detector_factory.h"
#include "vigie/v1/camera.pb.h"

namespace vigie::inference {

struct HfModel {
  std::string analysis;
  std::string model;  // user/model
  double fps = 0;     // 0: the default rate
};

// Nullopt, with the reason in error, when the JSON is not of that form.
std::optional<std::vector<HfModel>> parse_hf_models(const std::string& json, std::string& error);

struct AnalysisDefaults {
  std::string detector = "opencv-dnn:centernet-coco";  // for an analysis naming none
  std::string backend = "opencv-dnn";                  // for a detector naming a model without back-end
  float min_score = 0.5f;
  double fps = 1;
  std::vector<HfModel> hf_models;
};

struct AnalysisPlan {
  std::string name;
  DetectorSpec detector;
  std::vector<std::string> labels;  // empty: any label counts
  float min_score = 0.5f;
  double fps = 1;
  bool operator==(const AnalysisPlan&) const = default;
};

// camera may be null (a camera the registry does not know): then only the
// HF_MODELS analyses. A refused analysis is left out and its reason added to problems.
std::vector<AnalysisPlan> plan_analyses(const v1::Camera* camera, const AnalysisDefaults& defaults,
                                        std::vector<std::string>& problems);

}  // namespace vigie::inference
