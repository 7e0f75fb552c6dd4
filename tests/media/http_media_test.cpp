// vigie-http-media through HttpMediaFixture, checked with libcurl as an HTTP camera
// client would: an MJPEG stream whose parts are JPEG frames at the video's rate,
// and a snapshot that changes only as often as configured.
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <strings.h>

#include "media_fixtures.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// curl_global_init is not thread-safe; done once here, clients may then run in parallel.
class CurlEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK); }
  void TearDown() override { curl_global_cleanup(); }
};
[[maybe_unused]] ::testing::Environment* const curl_environment =
    ::testing::AddGlobalTestEnvironment(new CurlEnvironment);

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using Curl = std::unique_ptr<CURL, CurlDeleter>;

struct Response {
  long status = 0;
  std::string etag;
  std::string body;
};

size_t append_body(char* data, size_t size, size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

size_t keep_etag(char* data, size_t size, size_t count, void* etag) {
  std::string line(data, size * count);
  if (line.size() > 5 && strncasecmp(line.data(), "etag:", 5) == 0) {
    auto first = line.find('"');
    auto last = line.rfind('"');
    if (first != std::string::npos && last > first) {
      *static_cast<std::string*>(etag) = line.substr(first, last - first + 1);
    }
  }
  return size * count;
}

// nullopt when the server did not answer within the timeout.
std::optional<Response> get(const std::string& url, const std::string& if_none_match = {},
                            long timeout_ms = 3000) {
  Curl curl(curl_easy_init());
  Response response;
  curl_slist* headers = nullptr;
  if (!if_none_match.empty()) {
    headers = curl_slist_append(headers, ("If-None-Match: " + if_none_match).c_str());
  }
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, keep_etag);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &response.etag);
  CURLcode code = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  if (code != CURLE_OK) return std::nullopt;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

cv::Mat decode(const std::string& jpeg) {
  return cv::imdecode(std::vector<unsigned char>(jpeg.begin(), jpeg.end()), cv::IMREAD_COLOR);
}

// Reads a multipart/x-mixed-replace stream the way browsers and FFmpeg's mpjpeg
// demuxer do, from the boundary the server announces, until enough parts arrived.
class MjpegReader {
 public:
  explicit MjpegReader(size_t wanted) : wanted_(wanted) {}

  // The JPEG parts, in order; a test failure is recorded when fewer arrived.
  std::vector<std::string> read(const std::string& url) {
    curl_ = Curl(curl_easy_init());
    curl_easy_setopt(curl_.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_.get(), CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(curl_.get(), CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl_.get(), CURLOPT_WRITEDATA, this);
    CURLcode code = curl_easy_perform(curl_.get());
    // Enough parts: on_data stopped the transfer, which curl reports as a write error.
    if (parts_.size() < wanted_) {
      ADD_FAILURE() << url << ": " << parts_.size() << " parts of " << wanted_ << ", "
                    << curl_easy_strerror(code) << " " << error_;
    }
    return parts_;
  }

 private:
  static size_t on_data(char* data, size_t size, size_t count, void* self) {
    auto* reader = static_cast<MjpegReader*>(self);
    reader->buffer_.append(data, size * count);
    return reader->parse() ? size * count : 0;
  }

  // False to stop: enough parts, or a malformed stream.
  bool parse() {
    if (boundary_.empty()) {
      char* type = nullptr;
      curl_easy_getinfo(curl_.get(), CURLINFO_CONTENT_TYPE, &type);
      std::string content_type = type != nullptr ? type : "";
      auto at = content_type.find("boundary=");
      if (!content_type.starts_with("multipart/x-mixed-replace") || at == std::string::npos) {
        error_ = "content type '" + content_type + "'";
        return false;
      }
      boundary_ = "--" + content_type.substr(at + 9);
    }
    while (parts_.size() < wanted_) {
      auto head_end = buffer_.find("\r\n\r\n");
      if (head_end == std::string::npos) return true;
      std::string head = buffer_.substr(0, head_end);
      if (!head.starts_with(boundary_)) {
        error_ = "part does not start with " + boundary_ + ": " + head.substr(0, 80);
        return false;
      }
      auto length_at = head.find("Content-Length: ");
      if (length_at == std::string::npos) {
        error_ = "part without Content-Length: " + head;
        return false;
      }
      size_t length = std::stoul(head.substr(length_at + 16));
      size_t body_at = head_end + 4;
      if (buffer_.size() < body_at + length + 2) return true;
      parts_.push_back(buffer_.substr(body_at, length));
      buffer_.erase(0, body_at + length + 2);  // and the CRLF that ends the part
    }
    return false;
  }

  size_t wanted_;
  Curl curl_;
  std::string buffer_;
  std::string boundary_;
  std::string error_;
  std::vector<std::string> parts_;
};

TEST(HttpMedia, MjpegStreamsJpegFramesAtTheVideoRateToSeveralClients) {
  HttpMediaFixture http;
  constexpr size_t kParts = 11;  // 10 frame periods of the 10 fps video
  auto read_stream = [&] {
    auto start = Clock::now();
    std::vector<std::string> parts = MjpegReader(kParts).read(http.mjpeg_url());
    return std::pair(parts, Clock::now() - start);
  };
  auto other_client = std::async(std::launch::async, read_stream);
  auto [parts, elapsed] = read_stream();
  auto [other_parts, other_elapsed] = other_client.get();

  ASSERT_EQ(parts.size(), kParts);
  ASSERT_EQ(other_parts.size(), kParts);
  // 10 frame periods of 100 ms, less some jitter: not the file sent in a burst.
  EXPECT_GE(elapsed, 800ms);
  EXPECT_GE(other_elapsed, 800ms);
  for (size_t i = 0; i < parts.size(); ++i) {
    cv::Mat image = decode(parts[i]);
    ASSERT_FALSE(image.empty()) << "part " << i << " is not a JPEG";
    EXPECT_EQ(image.cols, 768);
    EXPECT_EQ(image.rows, 576);
    if (i > 0) {
      EXPECT_NE(parts[i], parts[i - 1]) << "part " << i << " repeats a frame";
    }
  }
  EXPECT_FALSE(decode(other_parts.back()).empty());
}

TEST(HttpMedia, SnapshotChangesOnlyAfterTheInterval) {
  constexpr auto kInterval = 1000ms;
  HttpMediaFixture http({.snapshot_interval_ms = kInterval.count()});
  // A full interval after start the next request takes a fresh frame, which then
  // stays for a whole interval.
  std::this_thread::sleep_for(kInterval + 100ms);
  std::optional<Response> first = get(http.snapshot_url());
  std::optional<Response> second = get(http.snapshot_url());
  ASSERT_TRUE(first && second) << http.log();
  ASSERT_EQ(first->status, 200);
  EXPECT_EQ(first->body, second->body);
  cv::Mat image = decode(first->body);
  EXPECT_EQ(image.cols, 768);
  EXPECT_EQ(image.rows, 576);

  std::this_thread::sleep_for(kInterval + 200ms);
  std::optional<Response> third = get(http.snapshot_url());
  ASSERT_TRUE(third);
  EXPECT_NE(third->body, second->body);
  EXPECT_FALSE(decode(third->body).empty());
  EXPECT_NE(third->etag, second->etag);
}

TEST(HttpMedia, SnapshotWithIntervalZeroNeverChanges) {
  HttpMediaFixture http({.snapshot_interval_ms = 0});
  std::optional<Response> first = get(http.snapshot_url());
  ASSERT_TRUE(first) << http.log();
  std::this_thread::sleep_for(1500ms);
  std::optional<Response> later = get(http.snapshot_url());
  ASSERT_TRUE(later);
  EXPECT_EQ(first->body, later->body);
  EXPECT_FALSE(decode(later->body).empty());

  ASSERT_FALSE(first->etag.empty());
  std::optional<Response> cached = get(http.snapshot_url(), first->etag);
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->status, 304);
  EXPECT_TRUE(cached->body.empty());
}

TEST(HttpMedia, ScalesFramesToTheRequestedWidth) {
  HttpMediaFixture http({.snapshot_interval_ms = 2000, .width = 320});
  std::optional<Response> snapshot = get(http.snapshot_url());
  ASSERT_TRUE(snapshot) << http.log();
  cv::Mat image = decode(snapshot->body);
  EXPECT_EQ(image.cols, 320);
  EXPECT_EQ(image.rows, 240);
}

TEST(HttpMedia, AnswersUnknownPathsWith404) {
  HttpMediaFixture http;
  std::optional<Response> response =
      get("http://127.0.0.1:" + std::to_string(http.port()) + "/nothing");
  ASSERT_TRUE(response) << http.log();
  EXPECT_EQ(response->status, 404);
}

TEST(HttpMedia, FrozenServerDoesNotAnswerUntilThawedAndRestartKeepsThePort) {
  HttpMediaFixture http;
  const int port = http.port();
  http.freeze();
  EXPECT_FALSE(get(http.snapshot_url(), {}, 500));
  http.thaw();
  EXPECT_TRUE(get(http.snapshot_url()));

  http.kill_hard();
  EXPECT_FALSE(get(http.snapshot_url(), {}, 500));
  http.restart();
  EXPECT_EQ(http.port(), port);
  std::optional<Response> response = get(http.snapshot_url());
  ASSERT_TRUE(response) << http.log();
  EXPECT_EQ(response->status, 200);
}

}  // namespace
}  // namespace vigie::testing
