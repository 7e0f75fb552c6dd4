// RTSP, HTTP MJPEG, local files and V4L2 devices through libavformat and
// libavcodec, read and decoded on the calling thread. How it connects, times out,
// dates pictures and loops files: docs/ingest-decoding.md.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "av_log_bridge.h"
#include "frame_source.h"

struct AVCodecContext;
struct AVFormatContext;
struct AVFrame;
struct AVPacket;

namespace vigie::ingest {

class FfmpegSource : public FrameSource {
 public:
  // pace = false hands a file's pictures out as fast as they decode instead of
  // at the file's own rate: for benchmarks, which measure decoding cost.
  explicit FfmpegSource(SourceOptions options, bool pace = true);
  ~FfmpegSource() override;
  FfmpegSource(const FfmpegSource&) = delete;
  FfmpegSource& operator=(const FfmpegSource&) = delete;

  using FrameSource::open;
  void open(const std::atomic<bool>& stop) override;
  bool next(Picture& out, const std::atomic<bool>& stop) override;

 private:
  using Clock = std::chrono::steady_clock;

  struct FormatCloser {
    void operator()(AVFormatContext* context) const;
  };
  struct CodecFreer {
    void operator()(AVCodecContext* context) const;
  };
  struct FrameFreer {
    void operator()(AVFrame* frame) const;
  };
  struct PacketFreer {
    void operator()(AVPacket* packet) const;
  };

  enum class Read { packet, again, end };

  static int interrupted(void* self);
  void close();
  Read read_packet();
  void restart_file();
  int64_t stream_time(const AVFrame& frame);
  bool wait_for_pace(int64_t stream_us, const std::atomic<bool>& stop);
  std::chrono::system_clock::time_point capture_time(int64_t stream_us);
  void fill(Picture& out, int64_t stream_us);
  // Throws SourceError naming the camera, what failed and why: the timeout when a
  // deadline passed (FFmpeg then only says it was interrupted), else FFmpeg's reason.
  [[noreturn]] void fail(const std::string& what, int error) const;

  SourceOptions options_;
  bool pace_;
  std::string redacted_url_;

  // Read by the interrupt callback, which FFmpeg calls from inside its blocking
  // I/O on this thread; declared before the contexts so they outlive them.
  const std::atomic<bool>* stop_ = nullptr;
  Clock::time_point io_deadline_{};       // no packet by then: stalled
  Clock::time_point picture_deadline_{};  // no picture by then: frozen
  Clock::time_point left_at_{};           // when open() or next() last returned

  std::unique_ptr<AVFormatContext, FormatCloser> format_;
  std::unique_ptr<AVCodecContext, CodecFreer> codec_;
  std::unique_ptr<AVFrame, FrameFreer> frame_;
  std::unique_ptr<AVPacket, PacketFreer> packet_;
  std::optional<AvLogTag> format_tag_;
  std::optional<AvLogTag> codec_tag_;
  int stream_index_ = -1;

  // Stream time: a picture's timestamp in microseconds, shifted at each loop of a
  // file so that it keeps increasing.
  int64_t frame_us_ = 0;  // one frame at the stream's rate
  // The stream's first timestamp: where RTCP's wall clock is anchored, and where
  // a file loops back to.
  int64_t start_us_ = 0;
  int64_t loop_end_us_ = 0;  // the latest timestamp + one frame, in the current loop
  int64_t loop_offset_us_ = 0;
  bool draining_ = false;  // a file's end was read; its last pictures are leaving the decoder
  std::optional<int64_t> last_stream_us_;
  // Stream time → clocks: the first picture's stream time is the moment the
  // stream was opened.
  std::optional<int64_t> first_stream_us_;
  std::chrono::system_clock::time_point wall_anchor_{};
  Clock::time_point steady_anchor_{};
  std::chrono::system_clock::time_point last_capture_{};
};

}  // namespace vigie::ingest
