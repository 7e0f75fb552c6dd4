#include "detector_factory.h"

#include <algorithm>
#include <stdexcept>

#include "cascade_detector.h"
#include "centernet.h"
#include "hog_detector.h"
#include "opencv_dnn_detector.h"
#ifdef VIGIE_HAVE_ONNXRUNTIME
#include "onnxruntime_detector.h"
#endif

namespace vigie::inference {

std::vector<std::string> available_backends() {
#ifdef VIGIE_HAVE_ONNXRUNTIME
  return {"opencv-dnn", "onnxruntime", "hog", "cascade", "hf"};
#else
  return {"opencv-dnn", "hog", "cascade", "hf"};
#endif
}

std::optional<DetectorSpec> parse_detector_spec(std::string_view text, const std::string& default_backend,
                                                std::string& error) {
  DetectorSpec spec;
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    spec = {default_backend, std::string(text)};
  } else {
    spec = {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
  }
  static const std::vector<std::string> kKnown = {"opencv-dnn", "onnxruntime", "hog", "cascade", "hf"};
  if (std::find(kKnown.begin(), kKnown.end(), spec.backend) == kKnown.end()) {
    error =
        "detector '" + std::string(text) +
        "': unknown back-end (expected opencv-dnn, onnxruntime, hog, cascade or hf, then ':' and a model)";
    return std::nullopt;
  }
  if (spec.model.empty()) {
    error = "detector '" + std::string(text) + "': no model after '" + spec.backend + ":'";
    return std::nullopt;
  }
  // Model names become file names: keep them inside their directory.
  const bool remote = spec.backend == "hf";
  if (spec.model.find("..") != std::string::npos || (!remote && spec.model.find('/') != std::string::npos)) {
    error = "detector '" + std::string(text) + "': the model name may not contain '..'" +
            (remote ? "" : " or '/'");
    return std::nullopt;
  }
  if (spec.backend == "hog" && spec.model != "people") {
    error = "detector '" + std::string(text) + "': the HOG back-end has one model, 'people'";
    return std::nullopt;
  }
  return spec;
}

std::unique_ptr<Detector> make_detector(const DetectorSpec& spec, const FactoryOptions& options) {
  if (spec.backend == "opencv-dnn")
    return std::make_unique<OpenCvDnnDetector>(find_centernet_model(options.models_dir, spec.model));
  if (spec.backend == "onnxruntime") {
#ifdef VIGIE_HAVE_ONNXRUNTIME
    return std::make_unique<OnnxRuntimeDetector>(find_centernet_model(options.models_dir, spec.model),
                                                 options.threads);
#else
    throw std::runtime_error(
        "detector '" + spec.text() +
        "': this build has no ONNX Runtime (deploy/models/fetch-models.sh fetches it, then "
        "configure the build again)");
#endif
  }
  if (spec.backend == "hog") return std::make_unique<HogDetector>();
  if (spec.backend == "cascade") return std::make_unique<CascadeDetector>(options.cascades_dir, spec.model);
  if (spec.backend == "hf") return std::make_unique<RemoteDetector>(spec.model, options.remote);
  throw std::runtime_error("detector '" + spec.text() + "': unknown back-end");
}

}  // namespace vigie::inference
