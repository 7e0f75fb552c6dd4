// vigie-rtsp-server through RtspServerFixture, checked the way ingest will use it:
// an FFmpeg RTSP client (OpenCV's FFmpeg back-end) decoding frames over TCP and UDP,
// and seeing the camera loop, die, come back and hang.
#include <chrono>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "media_fixtures.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kReadTimeoutMs = 2000;

enum class Transport { kTcp, kUdp };

// Without the timeouts a read from a stalled stream blocks for ever. The transport
// is forced so that FFmpeg does not fall back from one to the other.
cv::VideoCapture open_rtsp(const std::string& url, Transport transport) {
  setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS",
         transport == Transport::kTcp ? "rtsp_transport;tcp" : "rtsp_transport;udp", 1);
  cv::VideoCapture capture;
  capture.open(url, cv::CAP_FFMPEG,
               {cv::CAP_PROP_OPEN_TIMEOUT_MSEC, 5000, cv::CAP_PROP_READ_TIMEOUT_MSEC,
                kReadTimeoutMs});
  return capture;
}

// Reads count frames and checks each is a real picture of the source's size (a
// broken stream decodes to flat grey or green).
void expect_frames(cv::VideoCapture& capture, int count) {
  for (int i = 0; i < count; ++i) {
    cv::Mat frame;
    ASSERT_TRUE(capture.read(frame)) << "frame " << i << " of " << count;
    ASSERT_EQ(frame.cols, 768) << "frame " << i;
    ASSERT_EQ(frame.rows, 576) << "frame " << i;
    cv::Scalar mean;
    cv::Scalar stddev;
    cv::meanStdDev(frame, mean, stddev);
    ASSERT_GT(stddev[0], 10.0) << "frame " << i << " is flat";
  }
}

TEST(RtspServer, StreamsDecodableFramesOverTcp) {
  RtspServerFixture rtsp;
  cv::VideoCapture capture = open_rtsp(rtsp.url(), Transport::kTcp);
  ASSERT_TRUE(capture.isOpened()) << rtsp.url() << "\n" << rtsp.log();
  expect_frames(capture, 10);
}

TEST(RtspServer, StreamsDecodableFramesOverUdp) {
  RtspServerFixture rtsp;
  cv::VideoCapture capture = open_rtsp(rtsp.url(), Transport::kUdp);
  ASSERT_TRUE(capture.isOpened()) << rtsp.url() << "\n" << rtsp.log();
  expect_frames(capture, 10);
}

TEST(RtspServer, KeepsStreamingPastTheEndOfTheFileForOldAndNewClients) {
  constexpr int kClipSeconds = 2;
  constexpr int kClipFrames = kClipSeconds * 10;
  RtspServerFixture rtsp({.clip_seconds = kClipSeconds});
  auto start = Clock::now();
  cv::VideoCapture first = open_rtsp(rtsp.url(), Transport::kTcp);
  ASSERT_TRUE(first.isOpened()) << rtsp.log();
  expect_frames(first, kClipFrames + 15);
  // Sent in real time, not the file in a burst: the clip really went round.
  EXPECT_GT(Clock::now() - start, std::chrono::seconds(kClipSeconds));

  cv::VideoCapture late = open_rtsp(rtsp.url(), Transport::kUdp);
  ASSERT_TRUE(late.isOpened()) << rtsp.log();
  expect_frames(late, 5);
  expect_frames(first, 5);
}

TEST(RtspServer, RefusesClientsWhileKilledAndStreamsAgainAfterRestart) {
  RtspServerFixture rtsp;
  const int port = rtsp.port();
  cv::VideoCapture before = open_rtsp(rtsp.url(), Transport::kTcp);
  ASSERT_TRUE(before.isOpened()) << rtsp.log();
  expect_frames(before, 1);

  rtsp.kill_hard();
  cv::Mat frame;
  bool read_after_kill = true;
  // FFmpeg still holds the seconds of stream it read while opening.
  for (int i = 0; i < 100 && read_after_kill; ++i) read_after_kill = before.read(frame);
  EXPECT_FALSE(read_after_kill);
  EXPECT_FALSE(open_rtsp(rtsp.url(), Transport::kTcp).isOpened());

  rtsp.restart();
  EXPECT_EQ(rtsp.port(), port);
  cv::VideoCapture after = open_rtsp(rtsp.url(), Transport::kTcp);
  ASSERT_TRUE(after.isOpened()) << rtsp.log();
  expect_frames(after, 5);
}

TEST(RtspServer, FrozenServerSendsNoFramesUntilThawed) {
  RtspServerFixture rtsp;
  cv::VideoCapture capture = open_rtsp(rtsp.url(), Transport::kTcp);
  ASSERT_TRUE(capture.isOpened()) << rtsp.log();
  expect_frames(capture, 3);

  rtsp.freeze();
  auto frozen = Clock::now();
  cv::Mat frame;
  bool read = true;
  // FFmpeg still holds the seconds of stream it read while opening.
  for (int i = 0; i < 100 && read; ++i) read = capture.read(frame);
  EXPECT_FALSE(read) << "frames kept coming from a stopped server";
  // The reads ended by timing out, not by the connection closing.
  EXPECT_GE(Clock::now() - frozen, std::chrono::milliseconds(kReadTimeoutMs));

  rtsp.thaw();
  cv::VideoCapture again = open_rtsp(rtsp.url(), Transport::kTcp);
  ASSERT_TRUE(again.isOpened()) << rtsp.log();
  expect_frames(again, 3);
}

}  // namespace
}  // namespace vigie::testing
