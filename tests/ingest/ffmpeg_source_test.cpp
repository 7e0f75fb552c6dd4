// FfmpegSource against real servers playing cameras: RTSP over TCP and UDP, HTTP
// MJPEG, looped files, and the ways cameras fail (killed, frozen, nothing
// listening), with credentials that must reach the camera and nothing else.
#include "ffmpeg_source.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

extern "C" {
#include <libavutil/log.h>
#include <libavutil/pixfmt.h>
#include <libavutil/version.h>
}

#include "av_log_bridge.h"
#include "media_fixtures.h"

namespace vigie::ingest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using ::testing::HasSubstr;
using ::testing::Not;
namespace media = vigie::testing;

constexpr auto kTimeout = 2000ms;
// Credentials with characters that would end a URL's userinfo if not escaped.
constexpr const char* kUser = "cam admin";
constexpr const char* kPassword = "p@ss:w/rd %+";

SourceOptions options_for(v1::Source::Kind kind, const std::string& url) {
  SourceOptions options;
  options.source.set_kind(kind);
  options.source.set_url(url);
  options.timeout = kTimeout;
  return options;
}

SourceOptions rtsp_options(const std::string& url, v1::Source::RtspTransport transport) {
  SourceOptions options = options_for(v1::Source::KIND_RTSP, url);
  options.source.set_rtsp_transport(transport);
  return options;
}

std::string mp4_of(const std::string& ts_path) {
  return ts_path.substr(0, ts_path.size() - 3) + ".mp4";
}

struct Seen {
  int width = 0;
  int height = 0;
  int pixel_format = -1;
  bool keyframe = false;
  std::chrono::system_clock::time_point capture_time;
  Clock::time_point arrived;
};

std::vector<Seen> read_pictures(FfmpegSource& source, int count) {
  std::atomic<bool> stop{false};
  std::vector<Seen> seen;
  Picture picture;
  while (static_cast<int>(seen.size()) < count && source.next(picture, stop)) {
    EXPECT_NE(picture.planes[0], nullptr);
    EXPECT_GT(picture.strides[0], 0);
    seen.push_back({picture.width, picture.height, picture.pixel_format, picture.keyframe,
                    picture.capture_time, Clock::now()});
  }
  return seen;
}

void expect_increasing_capture_times(const std::vector<Seen>& seen) {
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GT(seen[i].capture_time, seen[i - 1].capture_time) << "picture " << i;
  }
}

// Reads until next() throws, on another thread so that a hang fails the test
// instead of blocking it. Returns the error and how long it took from `since`.
struct Failure {
  bool thrown = false;
  std::string message;
  Clock::duration after{};
};

Failure read_until_failure(FfmpegSource& source, Clock::time_point since) {
  std::atomic<bool> stop{false};
  auto reader = std::async(std::launch::async, [&] {
    Failure failure;
    Picture picture;
    try {
      while (source.next(picture, stop)) {
      }
    } catch (const SourceError& e) {
      failure.thrown = true;
      failure.message = e.what();
    }
    failure.after = Clock::now() - since;
    return failure;
  });
  if (reader.wait_for(kTimeout + 10s) != std::future_status::ready) {
    ADD_FAILURE() << "next() still blocked "
                  << std::chrono::duration_cast<std::chrono::seconds>(kTimeout + 10s).count()
                  << " s after the failure";
    stop = true;
  }
  return reader.get();
}

class RtspTransportTest : public ::testing::TestWithParam<v1::Source::RtspTransport> {};

TEST_P(RtspTransportTest, GivesPicturesOfTheStreamSizeWithIncreasingCaptureTimes) {
  media::RtspServerFixture rtsp;
  FfmpegSource source(rtsp_options(rtsp.url(), GetParam()));
  const auto opening = Clock::now();
  source.open();
  std::vector<Seen> seen = read_pictures(source, 20);
  ASSERT_EQ(seen.size(), 20u) << rtsp.log();
  const auto first_picture = seen.front().arrived - opening;
  // FFmpeg's default probing took 2.8 s here.
  EXPECT_LT(first_picture, 2s) << "start-up";
  for (const Seen& picture : seen) {
    EXPECT_EQ(picture.width, 768);
    EXPECT_EQ(picture.height, 576);
    EXPECT_EQ(picture.pixel_format, AV_PIX_FMT_YUV420P);
  }
  expect_increasing_capture_times(seen);
  const auto now = std::chrono::system_clock::now();
  EXPECT_GT(seen.back().capture_time, now - 2s);
  EXPECT_LT(seen.back().capture_time, now + 100ms);
  // 20 pictures at 10 fps: the stream plays in real time, not the first seconds in a burst.
  EXPECT_GT(seen.back().arrived - seen.front().arrived, 1s);
}

INSTANTIATE_TEST_SUITE_P(Transports, RtspTransportTest,
                         ::testing::Values(v1::Source::RTSP_TRANSPORT_TCP,
                                           v1::Source::RTSP_TRANSPORT_UDP),
                         [](const auto& test) {
                           return v1::Source::RtspTransport_Name(test.param);
                         });

TEST(FfmpegSourceRtsp, KeyframesOnlyGivesOnePicturePerGroupOfPictures) {
  media::RtspServerFixture rtsp;
  SourceOptions options = rtsp_options(rtsp.url(), v1::Source::RTSP_TRANSPORT_TCP);
  options.keyframes_only = true;
  options.timeout = 5s;  // longer than the 2 s between keyframes
  FfmpegSource source(options);
  source.open();
  std::vector<Seen> seen = read_pictures(source, 3);
  ASSERT_EQ(seen.size(), 3u) << rtsp.log();
  for (const Seen& picture : seen) EXPECT_TRUE(picture.keyframe);
  // The stream has a keyframe every 2 s.
  EXPECT_GT(seen[2].arrived - seen[1].arrived, 1500ms);
  EXPECT_LT(seen[2].arrived - seen[1].arrived, 2500ms);
  EXPECT_GT(seen[2].capture_time - seen[1].capture_time, 1800ms);
  EXPECT_LT(seen[2].capture_time - seen[1].capture_time, 2200ms);
}

class RtspFailureTest : public ::testing::TestWithParam<v1::Source::RtspTransport> {};

TEST_P(RtspFailureTest, KilledServerFailsWithinTheTimeout) {
  media::RtspServerFixture rtsp;
  FfmpegSource source(rtsp_options(rtsp.url(), GetParam()));
  source.open();
  ASSERT_EQ(read_pictures(source, 3).size(), 3u) << rtsp.log();
  const auto killed = Clock::now();
  rtsp.kill_hard();
  Failure failure = read_until_failure(source, killed);
  ASSERT_TRUE(failure.thrown);
  EXPECT_LE(failure.after, kTimeout + 1s);
  EXPECT_THAT(failure.message, HasSubstr(rtsp.url()));
}

TEST_P(RtspFailureTest, FrozenServerFailsWithinTheTimeout) {
  media::RtspServerFixture rtsp;
  FfmpegSource source(rtsp_options(rtsp.url(), GetParam()));
  source.open();
  ASSERT_EQ(read_pictures(source, 3).size(), 3u) << rtsp.log();
  const auto frozen = Clock::now();
  rtsp.freeze();
  Failure failure = read_until_failure(source, frozen);
  rtsp.thaw();
  ASSERT_TRUE(failure.thrown);
  EXPECT_GE(failure.after, kTimeout - 500ms)
      << "the connection is open: only the timeout can end it";
  EXPECT_LE(failure.after, kTimeout + 1s);
  EXPECT_THAT(failure.message, HasSubstr("no data from the camera for 2000 ms"));
}

INSTANTIATE_TEST_SUITE_P(Transports, RtspFailureTest,
                         ::testing::Values(v1::Source::RTSP_TRANSPORT_TCP,
                                           v1::Source::RTSP_TRANSPORT_UDP),
                         [](const auto& test) {
                           return v1::Source::RtspTransport_Name(test.param);
                         });

TEST(FfmpegSourceRtsp, StopEndsAWaitingNextWithoutAnError) {
  media::RtspServerFixture rtsp;
  SourceOptions options = rtsp_options(rtsp.url(), v1::Source::RTSP_TRANSPORT_TCP);
  options.timeout = 20s;
  FfmpegSource source(options);
  source.open();
  ASSERT_EQ(read_pictures(source, 1).size(), 1u) << rtsp.log();
  rtsp.freeze();
  std::atomic<bool> stop{false};
  auto reader = std::async(std::launch::async, [&] {
    Picture picture;
    while (source.next(picture, stop)) {
    }
  });
  std::this_thread::sleep_for(300ms);
  const auto stopped = Clock::now();
  stop = true;
  ASSERT_EQ(reader.wait_for(5s), std::future_status::ready);
  EXPECT_NO_THROW(reader.get());
  EXPECT_LT(Clock::now() - stopped, 1s);
  rtsp.thaw();
}

// A port that refuses connections: bound once, then released.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

void expect_no_credentials(const std::string& text) {
  for (const char* secret : {"cam admin", "cam%20admin", "p@ss", "p%40ss", "w/rd", "w%2Frd"}) {
    EXPECT_THAT(text, Not(HasSubstr(secret)));
  }
}

TEST(FfmpegSourceCredentials, NeverInTheErrorOrTheLogsWhenNothingListens) {
  const std::string url = "rtsp://127.0.0.1:" + std::to_string(closed_port()) + "/live";
  SourceOptions options = rtsp_options(url, v1::Source::RTSP_TRANSPORT_TCP);
  options.username = kUser;
  options.password = kPassword;
  FfmpegSource source(options);
  std::string error;
  ::testing::internal::CaptureStderr();
  try {
    source.open();
  } catch (const SourceError& e) {
    error = e.what();
  }
  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(error, HasSubstr(url + ": cannot open: Connection refused"));
  expect_no_credentials(error);
  // FFmpeg's own complaint reached the structured logs.
  EXPECT_THAT(logs, HasSubstr(R"("level":"error")"));
  EXPECT_THAT(logs, HasSubstr("Connection refused"));
  expect_no_credentials(logs);
}

TEST(FfmpegSourceCredentials, NeverInTheErrorOrTheLogsOfAStreamThatDies) {
  media::RtspServerFixture rtsp;
  SourceOptions options = rtsp_options(rtsp.url(), v1::Source::RTSP_TRANSPORT_TCP);
  options.username = kUser;
  options.password = kPassword;
  FfmpegSource source(options);
  ::testing::internal::CaptureStderr();
  source.open();
  const bool streamed = read_pictures(source, 2).size() == 2;
  rtsp.kill_hard();
  Failure failure = read_until_failure(source, Clock::now());
  const std::string logs = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(streamed) << rtsp.log();
  ASSERT_TRUE(failure.thrown);
  EXPECT_THAT(failure.message, HasSubstr(rtsp.url()));
  expect_no_credentials(failure.message);
  expect_no_credentials(logs);
}

// A one-shot HTTP camera that asks for Basic authentication and records the answer.
class AuthenticatingCamera {
 public:
  AuthenticatingCamera() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 4);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~AuthenticatingCamera() {
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
  }

  int port() const { return port_; }
  // The Authorization line the client sent once challenged, after it gave up.
  std::string authorization() {
    if (thread_.joinable()) thread_.join();
    return authorization_;
  }

 private:
  void serve() {
    for (int request = 0; request < 2; ++request) {
      pollfd waiting{listener_, POLLIN, 0};
      if (::poll(&waiting, 1, 5000) != 1) return;
      int client = ::accept(listener_, nullptr, nullptr);
      std::string head;
      char buffer[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        pollfd readable{client, POLLIN, 0};
        if (::poll(&readable, 1, 5000) != 1) break;
        ssize_t n = ::read(client, buffer, sizeof buffer);
        if (n <= 0) break;
        head.append(buffer, static_cast<size_t>(n));
      }
      const size_t line = head.find("Authorization: ");
      if (line != std::string::npos)
        authorization_ = head.substr(line, head.find("\r\n", line) - line);
      const std::string answer =
          request == 0 ? "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n"
                         "Content-Length: 0\r\n\r\n"
                       : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      ssize_t written = ::write(client, answer.data(), answer.size());
      (void)written;
      ::close(client);
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::string authorization_;
  std::thread thread_;
};

TEST(FfmpegSourceCredentials, ReachTheCameraDecodedForBasicAuthentication) {
  AuthenticatingCamera camera;
  const std::string url = "http://127.0.0.1:" + std::to_string(camera.port()) + "/mjpeg";
  SourceOptions options = options_for(v1::Source::KIND_MJPEG, url);
  options.username = kUser;
  options.password = kPassword;
  FfmpegSource source(options);
  std::string error;
  try {
    source.open();
  } catch (const SourceError& e) {
    error = e.what();
  }
  EXPECT_EQ(camera.authorization(), "Authorization: Basic Y2FtIGFkbWluOnBAc3M6dy9yZCAlKw==")
      << "base64 of \"cam admin:p@ss:w/rd %+\"";
  EXPECT_THAT(error, HasSubstr(url + ": cannot open: Server returned 404 Not Found"));
  expect_no_credentials(error);
}

TEST(AvLogBridge, ForwardsWarningsAndErrorsWithoutCredentials) {
  install_av_log_bridge();
  ::testing::internal::CaptureStderr();
  av_log(nullptr, AV_LOG_ERROR, "cannot open 'rtsp://admin:s3cret@10.0.0.1/live?token=abc'\n");
  av_log(nullptr, AV_LOG_WARNING, "redirected to http://u:pw@example.org/a and rtsp://v:pw2@h/b\n");
  const std::string padding(600, 'x');
  av_log(nullptr, AV_LOG_ERROR, "%s then rtsp://admin:longs3cret@10.0.0.2/live\n", padding.c_str());
  av_log(nullptr, AV_LOG_INFO, "an info line\n");
  av_log(nullptr, AV_LOG_DEBUG, "a debug line\n");
  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(logs, HasSubstr(R"("level":"error")"));
  EXPECT_THAT(logs, HasSubstr("cannot open 'rtsp://***@10.0.0.1/live?token=***'"));
  EXPECT_THAT(logs, HasSubstr(R"("level":"warn")"));
  EXPECT_THAT(logs, HasSubstr("redirected to http://***@example.org/a and rtsp://***@h/b"));
  EXPECT_THAT(logs, HasSubstr(padding + " then rtsp://***@10.0.0.2/live"));
  EXPECT_THAT(logs, Not(HasSubstr("s3cret")));
  EXPECT_THAT(logs, Not(HasSubstr("pw")));
  EXPECT_THAT(logs, Not(HasSubstr("info line")));
  EXPECT_THAT(logs, Not(HasSubstr("debug line")));
}

// Something FFmpeg can log about: an object whose first member is its AVClass.
struct LoggingObject {
  const AVClass* av_class;
};

size_t occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

TEST(AvLogBridge, AFloodIsCutToTheLimitPerSourceAndWhatWasHeldBackIsCounted) {
  static const AVClass decoder_class = [] {
    AVClass c{};
    c.class_name = "h264";
    c.item_name = av_default_item_name;
    c.version = LIBAVUTIL_VERSION_INT;
    return c;
  }();
  install_av_log_bridge();
  set_av_log_limit({.lines = 5, .window = std::chrono::hours(1)});
  LoggingObject flooding{&decoder_class};
  LoggingObject calm{&decoder_class};
  ::testing::internal::CaptureStderr();
  {
    AvLogTag flooding_tag(&flooding, "cam-flood");
    AvLogTag calm_tag(&calm, "cam-calm");
    for (int i = 0; i < 50; ++i) av_log(&flooding, AV_LOG_ERROR, "corrupt macroblock %d\n", i);
    for (int i = 0; i < 3; ++i) av_log(&calm, AV_LOG_WARNING, "calm warning %d\n", i);
  }
  std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(occurrences(logs, "corrupt macroblock"), 5u) << logs;
  EXPECT_EQ(occurrences(logs, "calm warning"), 3u) << "another source's share was taken: " << logs;
  EXPECT_EQ(occurrences(logs, "held back"), 1u) << logs;
  EXPECT_THAT(logs, HasSubstr(R"("component":"h264","source":"cam-flood","held_back":45)")) << logs;

  // Once a window ends, the next line reports the previous window's count.
  set_av_log_limit({.lines = 1, .window = 200ms});
  LoggingObject later{&decoder_class};
  AvLogTag later_tag(&later, "cam-later");
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 3; ++i) av_log(&later, AV_LOG_ERROR, "first window %d\n", i);
  std::this_thread::sleep_for(300ms);
  av_log(&later, AV_LOG_ERROR, "second window\n");
  logs = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(occurrences(logs, "first window"), 1u) << logs;
  EXPECT_THAT(logs, HasSubstr(R"("source":"cam-later","held_back":2)")) << logs;
  EXPECT_THAT(logs, HasSubstr("second window")) << logs;
  set_av_log_limit({});
}

TEST(FfmpegSourceMjpeg, GivesPicturesAsTheyArrive) {
  media::HttpMediaFixture http;
  FfmpegSource source(options_for(v1::Source::KIND_MJPEG, http.mjpeg_url()));
  source.open();
  std::vector<Seen> seen = read_pictures(source, 10);
  ASSERT_EQ(seen.size(), 10u) << http.log();
  for (const Seen& picture : seen) {
    EXPECT_EQ(picture.width, 768);
    EXPECT_EQ(picture.height, 576);
    EXPECT_TRUE(picture.pixel_format == AV_PIX_FMT_YUVJ420P ||
                picture.pixel_format == AV_PIX_FMT_YUVJ422P ||
                picture.pixel_format == AV_PIX_FMT_YUVJ444P)
        << "JPEG decodes to full-range YUV, got " << picture.pixel_format;
  }
  expect_increasing_capture_times(seen);
  // The server plays 10 fps: pictures are dated as they arrive.
  EXPECT_GT(seen.back().capture_time - seen.front().capture_time, 600ms);
}

TEST(FfmpegSourceFile, PacesPicturesAtTheFileRate) {
  FfmpegSource source(options_for(v1::Source::KIND_FILE, mp4_of(media::prepared_video())));
  source.open();
  std::atomic<bool> stop{false};
  Picture picture;
  ASSERT_TRUE(source.next(picture, stop));
  int count = 0;
  const auto until = Clock::now() + 2s;
  while (Clock::now() < until && source.next(picture, stop)) ++count;
  // 10 fps
  EXPECT_GE(count, 17);
  EXPECT_LE(count, 23);
}

class FileLoopTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FileLoopTest, KeepsGoingPastTheEndAtTheSameRate) {
  std::string path = media::prepared_video(2);
  if (GetParam() == "mp4") path = mp4_of(path);
  FfmpegSource source(options_for(v1::Source::KIND_FILE, path));
  source.open();
  std::vector<Seen> seen = read_pictures(source, 45);  // 2 s clip: 20 pictures a loop
  ASSERT_EQ(seen.size(), 45u);
  expect_increasing_capture_times(seen);
  for (size_t i = 1; i < seen.size(); ++i) {
    const auto step = seen[i].capture_time - seen[i - 1].capture_time;
    EXPECT_GT(step, 50ms) << "picture " << i;
    EXPECT_LT(step, 150ms) << "picture " << i;
  }
  EXPECT_TRUE(seen[20].keyframe) << "the second loop starts with the first picture";
  const auto played = seen.back().arrived - seen.front().arrived;
  EXPECT_GT(played, 3800ms);
  EXPECT_LT(played, 5000ms);
}

INSTANTIATE_TEST_SUITE_P(Containers, FileLoopTest, ::testing::Values("mp4", "ts"));

TEST(FfmpegSourceFile, UnpacedDecodesFasterThanTheFileRate) {
  FfmpegSource source(options_for(v1::Source::KIND_FILE, media::prepared_video(2)), /*pace=*/false);
  source.open();
  const auto start = Clock::now();
  ASSERT_EQ(read_pictures(source, 40).size(), 40u);
  EXPECT_LT(Clock::now() - start, 2s) << "4 s of video";
}

TEST(FfmpegSourceFile, MissingFileFailsNamingIt) {
  FfmpegSource source(options_for(v1::Source::KIND_FILE, "/nonexistent/camera.mp4"));
  try {
    source.open();
    FAIL() << "opened a missing file";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("/nonexistent/camera.mp4: cannot open: No such file or directory"));
  }
}

TEST(FfmpegSourceV4l2, MissingDeviceFailsNamingIt) {
  FfmpegSource source(options_for(v1::Source::KIND_V4L2, "/dev/video-vigie-missing"));
  std::string error;
  ::testing::internal::CaptureStderr();
  try {
    source.open();
  } catch (const SourceError& e) {
    error = e.what();
  }
  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(error, HasSubstr("/dev/video-vigie-missing: cannot open: No such file or directory"));
  // FFmpeg's own line says which source it is about.
  EXPECT_THAT(logs,
              HasSubstr(R"("component":"video4linux2,v4l2","source":"/dev/video-vigie-missing")"));
}

}  // namespace
}  // namespace vigie::ingest
