// A detector behind an HTTP endpoint speaking the Hugging Face inference API:
// the picture is POSTed as a JPEG to BASE_URL + MODEL with a bearer token, and
// the JSON answer gives labels, scores and optionally boxes (libcurl).
//
// A timeout, a refused connection, HTTP 429 or 5xx (503 while the model loads)
// is retried after a growing pause; once the retries are spent the call fails
// with a DetectorError, and the endpoint is not asked again for `cooldown`: calls
// in that time fail at once, so a dead endpoint does not hold every frame up.
// Any other 4xx, or an answer that is not the API's JSON, fails at once.
// The token never appears in a message.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "detector.h"

namespace vigie::inference {

struct RemoteOptions {
  std::string base_url = "https://api-inference.huggingface.co/models/";
  std::string token;                          // bearer token; none sent when empty
  std::chrono::milliseconds timeout{10'000};  // one request, connection included
  std::chrono::milliseconds connect_timeout{3'000};
  int retries = 2;
  std::chrono::milliseconds backoff{500};  // first pause, doubled after each retry
  std::chrono::milliseconds max_backoff{5'000};
  std::chrono::milliseconds cooldown{30'000};
  // Told the outcome of every HTTP attempt: "ok", "timeout", "connection", "http_429",
  // "http_5xx", "http_4xx", "bad_response" (for metrics).
  std::function<void(std::string_view outcome)> on_attempt;
};

class RemoteDetector : public Detector {
 public:
  // model: the model id appended to the base URL, e.g. "facebook/detr-resnet-50".
  RemoteDetector(std::string model, RemoteOptions options);
  ~RemoteDetector() override;
  std::vector<DetectedObject> detect(const Picture& picture, float min_score) override;
  cv::Size input_size() const override { return {}; }
  const std::string& url() const { return url_; }

 private:
  struct Curl;
  std::vector<DetectedObject> attempt(std::string_view jpeg, cv::Size picture, bool& retry,
                                      std::chrono::milliseconds& pause);

  std::string model_;
  RemoteOptions options_;
  std::string url_;
  std::unique_ptr<Curl> curl_;
  std::vector<unsigned char> encoded_;
  std::chrono::steady_clock::time_point failing_until_{};
  std::string last_error_;
  std::string last_kind_;
};

}  // namespace vigie::inference
