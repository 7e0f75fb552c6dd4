#include "remote_detector.h"

#include <curl/curl.h>

#include <algorithm>
#include <thread>

#include <opencv2/imgcodecs.hpp>

#include "hf_api.h"
#include "vigie/log/log.h"

namespace vigie::inference {
namespace {

using Clock = std::chrono::steady_clock;

// What an answer's body says, cut short: it ends up in logs and error messages.
std::string excerpt(std::string_view body) {
  const auto error = parse_hf_error(body);
  std::string out(error ? std::string_view(error->message).substr(0, 200) : body.substr(0, 200));
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

size_t append(char* data, size_t size, size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

}  // namespace

struct RemoteDetector::Curl {
  Curl() {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!initialised || !(handle = curl_easy_init())) throw std::runtime_error("libcurl cannot start");
  }
  ~Curl() {
    if (headers) curl_slist_free_all(headers);
    curl_easy_cleanup(handle);
  }
  CURL* handle = nullptr;
  curl_slist* headers = nullptr;
  std::string body;
};

RemoteDetector::RemoteDetector(std::string model, RemoteOptions options)
    : model_(std::move(model)), options_(std::move(options)), curl_(std::make_unique<Curl>()) {
  url_ = options_.base_url;
  if (!url_.empty() && url_.back() != '/') url_ += '/';
  url_ += model_;
  CURL* h = curl_->handle;
  curl_->headers = curl_slist_append(curl_->headers, "Content-Type: image/jpeg");
  curl_->headers = curl_slist_append(curl_->headers, "Accept: application/json");
  if (!options_.token.empty())
    curl_->headers = curl_slist_append(curl_->headers, ("Authorization: Bearer " + options_.token).c_str());
  curl_easy_setopt(h, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, curl_->headers);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &curl_->body);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
}

RemoteDetector::~RemoteDetector() = default;

std::vector<DetectedObject> RemoteDetector::detect(const Picture& picture, float min_score) {
  const auto now = Clock::now();
  if (now < failing_until_)
    throw DetectorError("unavailable", "remote model " + model_ + " at " + log::redact_url(url_) +
                                           " is not asked again for a while after failing: " + last_error_);
  std::string_view jpeg = picture.jpeg;
  if (jpeg.empty()) {
    cv::imencode(".jpg", picture.bgr, encoded_, {cv::IMWRITE_JPEG_QUALITY, 90});
    jpeg = std::string_view(reinterpret_cast<const char*>(encoded_.data()), encoded_.size());
  }
  auto pause = options_.backoff;
  for (int attempt_no = 0;; ++attempt_no) {
    bool retry = false;
    auto wait = pause;
    try {
      auto objects = attempt(jpeg, picture.bgr.size(), retry, wait);
      std::erase_if(objects, [&](const DetectedObject& o) { return o.score < min_score; });
      std::sort(objects.begin(), objects.end(),
                [](const auto& a, const auto& b) { return a.score > b.score; });
      return objects;
    } catch (const DetectorError& e) {
      if (!retry || attempt_no >= options_.retries) {
        last_error_ = e.what();
        last_kind_ = e.kind();
        failing_until_ = Clock::now() + options_.cooldown;
        throw;
      }
      log::warn("remote model failed, retrying", {{"model", model_},
                                                  {"error", e.what()},
                                                  {"attempt", attempt_no + 1},
                                                  {"pause_ms", static_cast<int64_t>(wait.count())}});
    }
    std::this_thread::sleep_for(wait);
    pause = std::min(pause * 2, options_.max_backoff);
  }
}

std::vector<DetectedObject> RemoteDetector::attempt(std::string_view jpeg, cv::Size picture, bool& retry,
                                                    std::chrono::milliseconds& pause) {
  CURL* h = curl_->handle;
  curl_->body.clear();
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, jpeg.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(jpeg.size()));
  const CURLcode code = curl_easy_perform(h);
  auto outcome = [&](std::string_view o) {
    if (options_.on_attempt) options_.on_attempt(o);
  };
  const std::string where = "remote model " + model_ + " at " + log::redact_url(url_);
  if (code != CURLE_OK) {
    retry = true;
    const bool timeout = code == CURLE_OPERATION_TIMEDOUT;
    outcome(timeout ? "timeout" : "connection");
    throw DetectorError(timeout ? "timeout" : "connection", where + ": " + curl_easy_strerror(code));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status == 200) {
    try {
      auto objects = parse_hf_answer(curl_->body, picture);
      outcome("ok");
      return objects;
    } catch (const std::exception& e) {
      outcome("bad_response");
      throw DetectorError("bad_response", where + " answered something else than the inference API's JSON: " +
                                              e.what() + " (" + excerpt(curl_->body) + ")");
    }
  }
  const std::string message =
      where + " answered HTTP " + std::to_string(status) + ": " + excerpt(curl_->body);
  if (status == 429 || status >= 500) {
    retry = true;
    if (auto e = parse_hf_error(curl_->body); e && e->estimated_time && status == 503)
      pause = std::min(options_.max_backoff,
                       std::chrono::milliseconds(static_cast<int64_t>(*e->estimated_time * 1000)));
    outcome(status == 429 ? "http_429" : "http_5xx");
    throw DetectorError(status == 429 ? "http_429" : "http_5xx", message);
  }
  outcome("http_4xx");
  throw DetectorError(status == 401 || status == 403 ? "unauthorized" : "http_4xx", message);
}

}  // namespace vigie::inference
