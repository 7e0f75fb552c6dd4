// SnapshotSource against real HTTP servers: vigie-http-media (the camera the other
// tests use, whose snapshot changes every N ms or never) for pictures, repeats,
// outages and stop; and a small scripted server in this file for what that one
// cannot show: conditional requests (304), Last-Modified, HTTP authentication.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <thread>
#include <vector>
extern "C" {
#include <libavutil/pixfmt.h>
}

#include "media_fixtures.h"
#include "perceptual_hash.h"
#include "snapshot_source.h"

namespace vigie::ingest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::HttpMediaFixture;

constexpr const char* kVideo = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

SourceOptions snapshot_options(const std::string& url, uint32_t interval_ms,
                               std::chrono::milliseconds timeout = 3s) {
  SourceOptions options;
  options.source.set_kind(v1::Source::KIND_SNAPSHOT);
  options.source.set_url(url);
  options.source.set_snapshot_interval_ms(interval_ms);
  options.timeout = timeout;
  return options;
}

uint64_t luma_hash(const Picture& picture) {
  return perceptual_hash(picture.planes[0], picture.width, picture.height, picture.strides[0]);
}

// Calls next() until `done()` holds or `limit` has passed, then stops it; the hashes
// of the pictures returned. Waiting on what the test needs to have happened, not on
// a fixed time, keeps a loaded machine from starving the source of polls.
std::vector<uint64_t> collect_until(SnapshotSource& source, const std::function<bool()>& done,
                                    std::chrono::milliseconds limit) {
  std::atomic<bool> stop{false};
  std::jthread timer([&stop, &done, limit] {
    const Clock::time_point deadline = Clock::now() + limit;
    while (!done() && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
    stop = true;
  });
  std::vector<uint64_t> hashes;
  Picture picture;
  while (source.next(picture, stop)) hashes.push_back(luma_hash(picture));
  return hashes;
}

std::vector<uint64_t> collect(SnapshotSource& source, std::chrono::milliseconds duration) {
  return collect_until(source, [] { return false; }, duration);
}

// --- against vigie-http-media -------------------------------------------------

TEST(SnapshotSourceTest, FirstPictureIsTheCamerasImageInYuv) {
  HttpMediaFixture camera(HttpMediaFixture::Options{.snapshot_interval_ms = 0, .width = 0});
  SnapshotSource source(snapshot_options(camera.snapshot_url(), 200));
  source.open();
  Picture picture;
  std::atomic<bool> stop{false};
  ASSERT_TRUE(source.next(picture, stop));

  EXPECT_EQ(picture.width, 768);
  EXPECT_EQ(picture.height, 576);
  EXPECT_EQ(picture.pixel_format, AV_PIX_FMT_YUVJ420P);  // OpenCV's encoder subsamples 4:2:0
  EXPECT_TRUE(picture.keyframe);
  for (int i = 0; i < 3; ++i) {
    ASSERT_NE(picture.planes[i], nullptr) << "plane " << i;
    EXPECT_GE(picture.strides[i], i == 0 ? 768 : 384) << "plane " << i;
  }
  EXPECT_EQ(picture.planes[3], nullptr);
  EXPECT_LT(std::chrono::abs(std::chrono::system_clock::now() - picture.capture_time), 5s)
      << "no Last-Modified or Date from this server: the time of arrival";

  // A snapshot that never changes is the video's first frame: its luma must be
  // that frame's grey, up to JPEG's losses.
  cv::VideoCapture video(kVideo, cv::CAP_FFMPEG);
  cv::Mat frame;
  ASSERT_TRUE(video.read(frame)) << kVideo << " (install opencv-doc)";
  cv::Mat expected;
  cv::cvtColor(frame, expected, cv::COLOR_BGR2GRAY);
  const cv::Mat luma(picture.height, picture.width, CV_8U, const_cast<uint8_t*>(picture.planes[0]),
                     static_cast<size_t>(picture.strides[0]));
  cv::Mat difference;
  cv::absdiff(luma, expected, difference);
  EXPECT_LT(cv::mean(difference)[0], 3.0);
  // Chroma of a street scene: near neutral grey, not garbage.
  const cv::Mat cb(picture.height / 2, picture.width / 2, CV_8U,
                   const_cast<uint8_t*>(picture.planes[1]),
                   static_cast<size_t>(picture.strides[1]));
  EXPECT_NEAR(cv::mean(cb)[0], 128.0, 20.0);
}

TEST(SnapshotSourceTest, AnUnchangedSnapshotIsReturnedOnce) {
  HttpMediaFixture camera(HttpMediaFixture::Options{.snapshot_interval_ms = 0, .width = 0});
  SnapshotSource source(snapshot_options(camera.snapshot_url(), 200));
  source.open();
  EXPECT_EQ(collect(source, 3s).size(), 1u);
}

TEST(SnapshotSourceTest, AChangingSnapshotGivesNewPictures) {
  HttpMediaFixture camera(HttpMediaFixture::Options{.snapshot_interval_ms = 1000, .width = 0});
  SnapshotSource source(snapshot_options(camera.snapshot_url(), 200));
  source.open();
  const std::vector<uint64_t> hashes = collect(source, 5s);
  // About one change a second, people walking: at least 3 in 5 s get through.
  EXPECT_GE(hashes.size(), 3u);
  for (size_t i = 1; i < hashes.size(); ++i) {
    EXPECT_GE(hamming(hashes[i - 1], hashes[i]), SnapshotSource::kDefaultMinHashDistance)
        << "picture " << i << " repeats the one before";
  }
}

TEST(SnapshotSourceTest, ADeadCameraGivesSourceErrorAfterTheTimeout) {
  HttpMediaFixture camera(HttpMediaFixture::Options{.snapshot_interval_ms = 0, .width = 0});
  SnapshotSource source(snapshot_options(camera.snapshot_url(), 200, 1500ms));
  source.open();
  Picture picture;
  std::atomic<bool> stop{false};
  ASSERT_TRUE(source.next(picture, stop));

  camera.kill_hard();
  const Clock::time_point killed = Clock::now();
  try {
    source.next(picture, stop);
    FAIL() << "next() returned while the camera is dead";
  } catch (const SourceError& e) {
    const auto after = Clock::now() - killed;
    EXPECT_GE(after, 1500ms);
    EXPECT_LT(after, 4s);
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(camera.port())),
              std::string::npos)
        << e.what();
  }
}

TEST(SnapshotSourceTest, ACameraBackWithinTheTimeoutIsNoFailure) {
  HttpMediaFixture camera(HttpMediaFixture::Options{.snapshot_interval_ms = 1000, .width = 0});
  SnapshotSource source(snapshot_options(camera.snapshot_url(), 200, 5s));
  source.open();
  Picture picture;
  std::atomic<bool> stop{false};
  ASSERT_TRUE(source.next(picture, stop));

  camera.kill_hard();
  ::testing::internal::CaptureStderr();
  bool returned = false;
  std::string error;
  std::jthread reader([&] {
    try {
      // The restarted server begins its video again: the first frame, a repeat of
      // what came before, until its snapshot moves on a second later.
      returned = source.next(picture, stop);
    } catch (const SourceError& e) {
      error = e.what();
    }
  });
  std::this_thread::sleep_for(1s);
  // From this thread: the fixture's server dies with the thread that started it.
  camera.restart();
  reader.join();
  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(returned) << error;
  EXPECT_NE(logs.find("snapshot poll failed"), std::string::npos) << logs;
  EXPECT_NE(logs.find("snapshot poll recovered"), std::string::npos) << logs;
}

TEST(SnapshotSourceTest, CredentialsAppearInNoErrorAndNoLog) {
  constexpr const char* kSecrets[] = {"hunter2", "alice", "s3cr3t-pw"};
  HttpMediaFixture camera(HttpMediaFixture::Options{.snapshot_interval_ms = 0, .width = 0});
  const std::string url =
      "http://alice:hunter2@127.0.0.1:" + std::to_string(camera.port()) + "/snapshot.jpg";
  SourceOptions options = snapshot_options(url, 200, 1000ms);
  options.username = "bob";
  options.password = "s3cr3t-pw";
  SnapshotSource source(options);
  source.open();
  Picture picture;
  std::atomic<bool> stop{false};
  ASSERT_TRUE(source.next(picture, stop));

  camera.kill_hard();
  ::testing::internal::CaptureStderr();
  std::string error;
  try {
    source.next(picture, stop);
  } catch (const SourceError& e) {
    error = e.what();
  }
  const std::string logs = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(error.empty()) << "no SourceError";
  EXPECT_NE(logs.find("snapshot poll failed"), std::string::npos) << logs;
  for (const char* secret : kSecrets) {
    EXPECT_EQ(error.find(secret), std::string::npos) << error;
    EXPECT_EQ(logs.find(secret), std::string::npos) << logs;
  }
  EXPECT_NE(error.find("***@127.0.0.1"), std::string::npos) << error;

  SnapshotSource never_up(options);
  try {
    never_up.open();
    FAIL() << "opened a dead camera";
  } catch (const SourceError& e) {
    for (const char* secret : kSecrets) {
      EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
    }
  }
}

TEST(SnapshotSourceTest, AnHttpErrorNamesTheStatusAndTheUrl) {
  HttpMediaFixture camera(HttpMediaFixture::Options{.snapshot_interval_ms = 0, .width = 0});
  const std::string url = "http://127.0.0.1:" + std::to_string(camera.port()) + "/missing.jpg";
  SnapshotSource source(snapshot_options(url, 200));
  try {
    source.open();
    FAIL() << "opened a 404";
  } catch (const SourceError& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 404"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(url), std::string::npos) << e.what();
  }
}

TEST(SnapshotSourceTest, StopIsSeenWithinAHundredMilliseconds) {
  HttpMediaFixture camera(HttpMediaFixture::Options{.snapshot_interval_ms = 0, .width = 0});
  SnapshotSource source(snapshot_options(camera.snapshot_url(), 5000));
  source.open();
  Picture picture;
  std::atomic<bool> stop{false};
  ASSERT_TRUE(source.next(picture, stop));
  Clock::time_point stopped_at;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stopped_at = Clock::now();
    stop = true;
  });
  EXPECT_FALSE(source.next(picture, stop));
  const Clock::time_point returned_at = Clock::now();
  stopper.join();
  EXPECT_LT(returned_at - stopped_at, 100ms);
}

// --- against a scripted server --------------------------------------------------

// An HTTP server on loopback, one thread, one request per connection: each request
// is recorded and answered with whatever the handler returns.
class ScriptedHttpServer {
 public:
  struct Request {
    std::string head;
    // The value of a header, or "" (names compared without case).
    std::string header(const std::string& name) const {
      size_t line = head.find("\r\n");
      while (line != std::string::npos && line + 2 < head.size()) {
        const size_t start = line + 2;
        const size_t end = head.find("\r\n", start);
        const std::string text = head.substr(start, end - start);
        if (text.size() > name.size() && text[name.size()] == ':' &&
            strncasecmp(text.c_str(), name.c_str(), name.size()) == 0) {
          const size_t value = text.find_first_not_of(' ', name.size() + 1);
          return value == std::string::npos ? "" : text.substr(value);
        }
        line = end;
      }
      return {};
    }
  };
  using Handler = std::function<std::string(const Request&)>;

  explicit ScriptedHttpServer(Handler handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("scripted server: cannot listen");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  ~ScriptedHttpServer() {
    stopping_ = true;
    thread_.join();
    ::close(listener_);
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (::poll(&ready, 1, 50) <= 0) continue;
      const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      Request request;
      char buffer[4096];
      while (request.head.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        request.head.append(buffer, static_cast<size_t>(n));
      }
      const std::string response = handler_(request);
      for (size_t sent = 0; sent < response.size();) {
        const ssize_t n =
            ::send(connection, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      ::close(connection);
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(request));
    }
  }

  Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
  std::thread thread_;
};

std::string jpeg_body() {
  cv::Mat image(120, 160, CV_8UC3);
  cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
  std::vector<uchar> bytes;
  cv::imencode(".jpg", image, bytes);
  return std::string(bytes.begin(), bytes.end());
}

std::string http_date(std::chrono::system_clock::time_point time) {
  const time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

std::string response(int status, const std::string& headers, const std::string& body = {}) {
  return "HTTP/1.1 " + std::to_string(status) + " Whatever\r\nConnection: close\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(SnapshotSourceHttpTest, AnUnchangedImageCostsA304) {
  const std::string jpeg = jpeg_body();
  ScriptedHttpServer server([&jpeg](const ScriptedHttpServer::Request& request) {
    if (request.header("If-None-Match") == "\"v1\"") return response(304, "ETag: \"v1\"\r\n");
    return response(200, "ETag: \"v1\"\r\nContent-Type: image/jpeg\r\n", jpeg);
  });
  SnapshotSource source(snapshot_options(server.url("/cam.jpg"), 100));
  source.open();
  EXPECT_EQ(collect_until(source, [&server] { return server.requests().size() >= 5; }, 30s).size(),
            1u);
  const std::vector<ScriptedHttpServer::Request> requests = server.requests();
  ASSERT_GE(requests.size(), 5u);
  EXPECT_EQ(requests[0].header("If-None-Match"), "");
  for (size_t i = 1; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].header("If-None-Match"), "\"v1\"") << "request " << i;
  }
}

TEST(SnapshotSourceHttpTest, LastModifiedIsTheCaptureTimeWhenSane) {
  const std::string jpeg = jpeg_body();
  const auto stamped = std::chrono::system_clock::now() - 30s;
  std::atomic<bool> sane{true};
  ScriptedHttpServer server([&](const ScriptedHttpServer::Request&) {
    const std::string last_modified =
        sane ? http_date(stamped) : std::string("Mon, 01 Jan 1990 00:00:00 GMT");
    return response(200, "Last-Modified: " + last_modified + "\r\n", jpeg);
  });
  {
    SnapshotSource source(snapshot_options(server.url("/cam.jpg"), 100));
    source.open();
    Picture picture;
    std::atomic<bool> stop{false};
    ASSERT_TRUE(source.next(picture, stop));
    EXPECT_LT(std::chrono::abs(picture.capture_time - stamped), 1s);
    EXPECT_EQ(server.requests().at(0).header("If-Modified-Since"), "");
  }
  sane = false;
  SnapshotSource source(snapshot_options(server.url("/cam.jpg"), 100));
  source.open();
  Picture picture;
  std::atomic<bool> stop{false};
  ASSERT_TRUE(source.next(picture, stop));
  EXPECT_LT(std::chrono::abs(picture.capture_time - std::chrono::system_clock::now()), 5s)
      << "a stamp from 1990 is not believed";
}

TEST(SnapshotSourceHttpTest, CredentialsGoToTheCameraAsHttpAuthentication) {
  const std::string jpeg = jpeg_body();
  ScriptedHttpServer server([&jpeg](const ScriptedHttpServer::Request& request) {
    if (request.header("Authorization") != "Basic Y2FtdXNlcjpwYTU1LXcwcmQ=") {  // camuser:pa55-w0rd
      return response(401, "WWW-Authenticate: Basic realm=\"camera\"\r\n");
    }
    return response(200, "", jpeg);
  });
  SourceOptions options = snapshot_options(server.url("/cam.jpg"), 100);
  options.username = "camuser";
  options.password = "pa55-w0rd";
  SnapshotSource source(options);
  ASSERT_NO_THROW(source.open());
  Picture picture;
  std::atomic<bool> stop{false};
  EXPECT_TRUE(source.next(picture, stop));

  options.password = "wrong-pa55";
  SnapshotSource refused(options);
  try {
    refused.open();
    FAIL() << "opened with a wrong password";
  } catch (const SourceError& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 401"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("wrong-pa55"), std::string::npos) << e.what();
  }
}

TEST(SnapshotSourceHttpTest, ABrokenImageIsRetriedNotReturned) {
  const std::string jpeg = jpeg_body();
  std::atomic<int> served{0};
  ScriptedHttpServer server([&](const ScriptedHttpServer::Request&) {
    // The second answer is an HTML error page sent as 200, as some cameras do.
    return served++ == 1 ? response(200, "ETag: \"bad\"\r\n", "<html>busy</html>")
                         : response(200, "ETag: \"v1\"\r\n", jpeg);
  });
  SnapshotSource source(snapshot_options(server.url("/cam.jpg"), 100, 5s));
  ::testing::internal::CaptureStderr();
  source.open();
  const size_t pictures =
      // A fourth request is only made once the third answer was handled.
      collect_until(source, [&server] { return server.requests().size() >= 4; }, 30s).size();
  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(pictures, 1u) << "the good image came back unchanged";
  EXPECT_NE(logs.find("not a JPEG"), std::string::npos) << logs;
  EXPECT_NE(logs.find("snapshot poll recovered"), std::string::npos) << logs;
  // The broken answer's ETag was not kept: the next request asked for v1.
  const std::vector<ScriptedHttpServer::Request> requests = server.requests();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[2].header("If-None-Match"), "\"v1\"");
}

}  // namespace
}  // namespace vigie::ingest
