// A camera's stream as a sequence of decoded pictures. One implementation per
// kind of source (libavformat for RTSP, MJPEG, files and V4L2; libcurl polling for
// snapshots); the camera worker neither knows nor cares which.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "vigie/v1/camera.pb.h"

namespace vigie::ingest {

// A decoded picture, still in the decoder's own memory and format: only the
// pictures that are published get scaled and encoded. Valid until the next call
// to FrameSource::next.
struct Picture {
  int width = 0;
  int height = 0;
  int pixel_format = -1;  // an AVPixelFormat
  const uint8_t* planes[4] = {nullptr, nullptr, nullptr, nullptr};
  int strides[4] = {0, 0, 0, 0};
  // From the stream clock: RTCP wall clock for RTSP where the camera sends it,
  // else the time the stream was opened plus the picture's timestamp.
  std::chrono::system_clock::time_point capture_time;
  bool keyframe = false;
};

// A failure of the stream (refused, dropped, timed out, undecodable). The message
// names what failed and never holds credentials.
class SourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SourceOptions {
  v1::Source source;
  std::string username;  // from the camera's decrypted credentials; may be empty
  std::string password;
  bool keyframes_only = false;
  // No picture (or no connection) for this long is a failure.
  std::chrono::milliseconds timeout{10'000};
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // Connects; throws SourceError. Gives up early once stop becomes true (it may
  // then throw), so a camera deleted while it connects stops at once.
  virtual void open(const std::atomic<bool>& stop) = 0;
  // open for callers that never stop early (tests, benchmarks).
  void open() {
    static const std::atomic<bool> never{false};
    open(never);
  }
  // Blocks until the next picture; returns false only when stop became true.
  // Throws SourceError when the stream fails or stalls past the timeout. A file
  // source loops at its end and paces pictures at the file's own rate.
  virtual bool next(Picture& out, const std::atomic<bool>& stop) = 0;
};

// The source for options.source.kind; throws SourceError for an unsupported kind.
std::unique_ptr<FrameSource> make_source(const SourceOptions& options);

}  // namespace vigie::ingest
