#include "hf_api_server.h"

#include <charconv>

#include <opencv2/imgcodecs.hpp>

#include "hf_api.h"

namespace vigie::inference {
namespace {

float threshold_of(const std::string& query, float fallback) {
  const std::string key = "threshold=";
  for (size_t start = 0; start <= query.size();) {
    const size_t end = std::min(query.find('&', start), query.size());
    if (query.compare(start, key.size(), key) == 0) {
      float value = fallback;
      const char* first = query.data() + start + key.size();
      const auto [ptr, ec] = std::from_chars(first, query.data() + end, value);
      if (ec != std::errc() || ptr != query.data() + end || !(value >= 0 && value <= 1)) return -1;
      return value;
    }
    start = end + 1;
  }
  return fallback;
}

admin::Response json(unsigned status, std::string body) {
  return {status, "application/json", std::move(body)};
}

}  // namespace

std::string hf_model_path(const DetectorSpec& spec) { return "/models/" + spec.backend + "/" + spec.model; }

admin::Response answer_hf_request(DetectorPool& detectors, const DetectorSpec& spec,
                                  const admin::Request& request) {
  const float threshold = threshold_of(request.query, 0.3f);
  if (threshold < 0) return json(400, hf_error("threshold: expected a number within 0..1"));
  if (request.body.empty())
    return json(400, hf_error("expected a picture (JPEG or PNG) as the request body"));
  cv::Mat picture;
  try {
    picture = cv::imdecode(cv::_InputArray(request.body.data(), static_cast<int>(request.body.size())),
                           cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    picture.release();
  }
  if (picture.empty()) return json(400, hf_error("the request body is not a picture OpenCV can decode"));
  try {
    std::vector<DetectedObject> found;
    detectors.use(spec, [&](Detector& d) { found = d.detect({picture, request.body}, threshold); });
    return json(200, hf_answer(found));
  } catch (const DetectorError& e) {
    return json(503, hf_error(spec.text() + " is unavailable: " + e.what()));
  }
}

void serve_hf_api(admin::AdminServer& admin, DetectorPool& detectors,
                  const std::vector<DetectorSpec>& specs) {
  for (const auto& spec : specs)
    admin.route("POST", hf_model_path(spec), [&detectors, spec](const admin::Request& r) {
      return answer_hf_request(detectors, spec, r);
    });
}

}  // namespace vigie::inference
