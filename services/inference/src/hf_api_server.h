// The service's own detectors behind the Hugging Face inference API, on the admin
// endpoint: POST /models/BACKEND/MODEL (e.g. /models/opencv-dnn/centernet-coco)
// with a picture (JPEG or PNG) as the body answers the API's object-detection
// JSON; ?threshold=0.3 sets the lowest score returned (default 0.3). So another
// Vigie instance, or any client of that API, can use them as a remote model.
#pragma once

#include <string>
#include <vector>

#include "detector_pool.h"
#include "vigie/admin/admin_server.h"

namespace vigie::inference {

// The path a detector is served at: /models/BACKEND/MODEL.
std::string hf_model_path(const DetectorSpec& spec);

// Adds one route per detector.
void serve_hf_api(admin::AdminServer& admin, DetectorPool& detectors, const std::vector<DetectorSpec>& specs);

// The answer to one request (the route's handler, without the server).
admin::Response answer_hf_request(DetectorPool& detectors, const DetectorSpec& spec,
                                  const admin::Request& request);

}  // namespace vigie::inference
