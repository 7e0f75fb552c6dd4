#include "service_settings.h"

#include <sstream>

namespace vigie::inference {
namespace {

std::string check_spec(const std::string& text) {
  std::string error;
  return parse_detector_spec(text, "opencv-dnn", error) ? "" : "a detector BACKEND:MODEL (" + error + ")";
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string check_served(const std::string& list) {
  for (const auto& item : split(list)) {
    if (item.rfind("hf:", 0) == 0) return "local detectors only, not '" + item + "'";
    if (auto problem = check_spec(item); !problem.empty()) return "a comma-separated list of " + problem;
  }
  return "";
}

std::string check_hf_models(const std::string& json) {
  std::string error;
  return parse_hf_models(json, error) ? "" : error;
}

}  // namespace

void declare_settings(config::Spec& spec) {
  const ServiceOptions o;
  const FactoryOptions f;
  const RemoteOptions r;
  spec.text("VIGIE_INFERENCE_GROUP", "vigie-inference",
            "consumer group of the motion topic: instances of one group share the cameras")
      .text(
          "VIGIE_INFERENCE_MODELS_DIR", VIGIE_DEFAULT_MODELS_DIR,
          "directory of the ONNX models (NAME.onnx and NAME.labels), filled by deploy/models/fetch-models.sh")
      .text("VIGIE_INFERENCE_CASCADES_DIR", f.cascades_dir,
            "directory of OpenCV's cascades (Debian's opencv-data)")
      .text("VIGIE_INFERENCE_DETECTOR", o.defaults.detector,
            "detector of an analysis that names none, as BACKEND:MODEL (opencv-dnn, onnxruntime, hog, "
            "cascade, hf)",
            check_spec)
      .choice("VIGIE_INFERENCE_BACKEND", o.defaults.backend, {"opencv-dnn", "onnxruntime"},
              "back-end of a detector named by its model alone")
      .number("VIGIE_INFERENCE_MIN_SCORE", o.defaults.min_score, 0.01, 1,
              "minimum score of an analysis that sets none: at or above it a detection is positive")
      .number("VIGIE_INFERENCE_PROBABLE_RATIO", o.probable_ratio, 0.01, 1,
              "a detection is probable from this share of its analysis's minimum score")
      .number("VIGIE_INFERENCE_FPS", o.defaults.fps, 0.001, 100,
              "frames per second an analysis that sets no rate analyses, per camera")
      .number("VIGIE_INFERENCE_CROP_RATIO", o.crop_ratio, 0, 100,
              "crop around the motion boxes when the frame's longer side is this many times the model's "
              "input (0: never)")
      .integer("VIGIE_INFERENCE_THREADS", 1, 0, 256,
               "threads of one inference (OpenCV and ONNX Runtime; 0: one per core). Instances scale out "
               "by partitions")
      .text("HF_MODELS", "",
            "remote analyses run on every camera, as JSON: {\"fire\":\"user/model\",\"fire:fps\":0.2}",
            check_hf_models)
      .text("VIGIE_INFERENCE_HF_URL", r.base_url,
            "base URL of the Hugging Face inference API; the model id is appended")
      .secret("VIGIE_INFERENCE_HF_TOKEN", "bearer token sent to the inference API")
      .duration("VIGIE_INFERENCE_HF_TIMEOUT", r.timeout, "longest one request to the inference API may take")
      .integer("VIGIE_INFERENCE_HF_RETRIES", r.retries, 0, 10,
               "retries of a request that timed out or got HTTP 429 or 5xx")
      .duration("VIGIE_INFERENCE_HF_BACKOFF", r.backoff, "pause before the first retry, doubled after each")
      .duration("VIGIE_INFERENCE_HF_COOLDOWN", r.cooldown,
                "after a request failed all its retries, the model is not asked again for this long")
      .text("VIGIE_INFERENCE_SERVE", "opencv-dnn:centernet-coco,hog:people",
            "local detectors served through the inference API at /models/BACKEND/MODEL on the admin address",
            check_served)
      .note(
          "A camera's analyses (cameras topic) name their detector, labels, minimum score and rate;\n"
          "these variables are the defaults for what they leave unset.");
}

Settings read_settings(const config::Settings& s) {
  Settings out;
  out.group = s.text("VIGIE_INFERENCE_GROUP");
  auto& d = out.service.defaults;
  d.detector = s.text("VIGIE_INFERENCE_DETECTOR");
  d.backend = s.text("VIGIE_INFERENCE_BACKEND");
  d.min_score = static_cast<float>(s.number("VIGIE_INFERENCE_MIN_SCORE"));
  d.fps = s.number("VIGIE_INFERENCE_FPS");
  std::string error;
  d.hf_models = *parse_hf_models(s.text("HF_MODELS"), error);
  out.service.probable_ratio = static_cast<float>(s.number("VIGIE_INFERENCE_PROBABLE_RATIO"));
  out.service.crop_ratio = s.number("VIGIE_INFERENCE_CROP_RATIO");

  out.factory.models_dir = s.text("VIGIE_INFERENCE_MODELS_DIR");
  out.factory.cascades_dir = s.text("VIGIE_INFERENCE_CASCADES_DIR");
  out.factory.threads = static_cast<int>(s.integer("VIGIE_INFERENCE_THREADS"));
  out.opencv_threads = out.factory.threads;
  auto& r = out.factory.remote;
  r.base_url = s.text("VIGIE_INFERENCE_HF_URL");
  r.token = s.text("VIGIE_INFERENCE_HF_TOKEN");
  r.timeout = s.duration("VIGIE_INFERENCE_HF_TIMEOUT");
  r.retries = static_cast<int>(s.integer("VIGIE_INFERENCE_HF_RETRIES"));
  r.backoff = s.duration("VIGIE_INFERENCE_HF_BACKOFF");
  r.cooldown = s.duration("VIGIE_INFERENCE_HF_COOLDOWN");

  for (const auto& item : split(s.text("VIGIE_INFERENCE_SERVE")))
    out.served.push_back(*parse_detector_spec(item, d.backend, error));
  return out;
}

}  // namespace vigie::inference
