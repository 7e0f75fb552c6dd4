// vigie-inference's own variables: detectors and models, the analyses' defaults,
// HF_MODELS, the remote inference API, and which local detectors the service
// serves through that API itself.
#pragma once

#include <string>
#include <vector>

#include "detector_factory.h"
#include "inference_service.h"
#include "vigie/config/settings.h"

namespace vigie::inference {

void declare_settings(config::Spec& spec);

struct Settings {
  ServiceOptions service;
  FactoryOptions factory;
  int opencv_threads = 1;
  std::string group;
  std::vector<DetectorSpec> served;  // local detectors behind /models/
};
// Reads the settings; the remote back-end's on_attempt is left to the caller.
Settings read_settings(const config::Settings& settings);

}  // namespace vigie::inference
